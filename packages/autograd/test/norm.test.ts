import { describe, it } from 'vitest';
import { cases } from './norm.cases';

describe('norm Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
