// The registry test: the case tables of this folder cover exactly the Functions autograd registers, one
// table per op module (ops/X.ts -> X.cases.ts, run by X.test.ts). It runs no case itself.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listFunctions } from '@adder/autograd';
import { assertCasesCoverFunctions, loadCaseTables } from '@adder/autograd/testing';

const here = dirname(fileURLToPath(import.meta.url));
const opsDir = join(here, '..', 'src', 'ops');

describe('Function registry', () => {
  it('the union of the *.cases.ts tables equals listFunctions()', async () => {
    const tables = await loadCaseTables(here);
    expect(tables.size).toBeGreaterThan(0);
    assertCasesCoverFunctions(tables, listFunctions());
    const union = new Set([...tables.values()].flatMap((t) => Object.keys(t)));
    expect([...union].sort()).toEqual([...listFunctions()].sort());
  });

  it('each ops/X.ts has its X.cases.ts, and each case table and test runner has its op module', () => {
    const ops = readdirSync(opsDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -'.ts'.length)).sort();
    const files = readdirSync(here);
    const tables = files.filter((f) => f.endsWith('.cases.ts')).map((f) => f.slice(0, -'.cases.ts'.length)).sort();
    expect(tables).toEqual(ops);
    for (const op of ops) expect(files).toContain(`${op}.test.ts`);
  });

  it('registry names are camelCase, as the ops they implement', () => {
    expect(listFunctions().filter((n) => !/^[a-z][a-zA-Z0-9]*$/.test(n))).toEqual([]);
  });
});
