import { describe, it } from 'vitest';
import { cases } from './scan.cases';

describe('scan Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
