// Registry coverage: every Function @adder/addernet registers has a case table entry of the right kind, and it passes.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertCasesCoverFunctions, functionsRegisteredBy, loadCaseTables } from '@adder/autograd/testing';

const here = dirname(fileURLToPath(import.meta.url));

describe('@adder/addernet Function registry', async () => {
  // nn first, so that only the Functions addernet itself registers are counted.
  await import('@adder/nn');
  const registered = await functionsRegisteredBy(() => import('../src/index'));
  const tables = await loadCaseTables(here);

  it('registers adder2d, and the case tables cover exactly the registered Functions', () => {
    expect(registered).toContain('adder2d');
    assertCasesCoverFunctions(tables, registered);
  });

  for (const [file, table] of tables) {
    for (const [name, c] of Object.entries(table)) {
      it(`${name} (${c.kind}, ${file})`, () => c.check());
    }
  }
});
