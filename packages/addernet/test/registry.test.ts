// Registry coverage: every Function @adder/addernet registers has a case table entry of the right kind (each
// X.cases.ts is run by its X.test.ts; this file runs no case itself).
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertCasesCoverFunctions, functionsRegisteredBy, loadCaseTables } from '@adder/autograd/testing';
import { listKernels } from '@adder/tensor';

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

  it('each X.cases.ts has the X.test.ts that runs it', () => {
    const files = readdirSync(here);
    for (const f of files.filter((n) => n.endsWith('.cases.ts'))) expect(files).toContain(f.replace(/\.cases\.ts$/, '.test.ts'));
  });

  it('registry names are camelCase, as the functions they implement', () => {
    expect(registered.filter((n) => !/^[a-z][a-zA-Z0-9]*$/.test(n))).toEqual([]);
  });

  it('kernel names (adder2d.forward, ...) are camelCase segments joined by dots', () => {
    const names = listKernels().map((k) => k.name);
    expect(names).toContain('adder2d.forward');
    expect(names.filter((n) => !/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/.test(n))).toEqual([]);
  });
});
