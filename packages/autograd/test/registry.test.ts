// The registry test: the case tables of this folder cover exactly the Functions autograd registers.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as K from '@adder/tensor';
import { defineFunction, getFunction, listFunctions } from '@adder/autograd';
import { assertCasesCoverFunctions, declaredBackwardCase, loadCaseTables, type CaseTable } from '@adder/autograd/testing';

const here = dirname(fileURLToPath(import.meta.url));

describe('Function registry', () => {
  it('the union of the *.cases.ts tables equals listFunctions()', async () => {
    const tables = await loadCaseTables(here);
    expect(tables.size).toBeGreaterThan(0);
    assertCasesCoverFunctions(tables, listFunctions());
    const union = new Set([...tables.values()].flatMap((t) => Object.keys(t)));
    expect([...union].sort()).toEqual([...listFunctions()].sort());
  });

  it('the coverage check reports missing, extra, duplicated and wrongly-kinded cases', () => {
    const ok = { kind: 'gradcheck' as const, check: () => undefined };
    expect(() => assertCasesCoverFunctions(new Map([['a.cases.ts', { add: ok }]]), ['add', 'mul'])).toThrow(/'mul' is registered but no case table/);
    expect(() => assertCasesCoverFunctions(new Map([['a.cases.ts', { add: ok, nope: ok }]]), ['add'])).toThrow(/case for 'nope'/);
    const dup: [string, CaseTable][] = [['a.cases.ts', { add: ok }], ['b.cases.ts', { add: ok }]];
    expect(() => assertCasesCoverFunctions(new Map(dup), ['add'])).toThrow(/both a.cases.ts and b.cases.ts/);
    expect(() => assertCasesCoverFunctions(new Map([['a.cases.ts', { add: declaredBackwardCase(() => undefined) }]]), ['add'])).toThrow(/must be a gradcheck/);
    defineFunction({ name: 'registryTestSurrogate', surrogateGradient: true, forward: (_c, a: K.NDArray) => a.clone(), backward: (_c, g) => [g] });
    expect(() => assertCasesCoverFunctions(new Map([['a.cases.ts', { registryTestSurrogate: ok }]]), ['registryTestSurrogate'])).toThrow(/declared-backward/);
  });

  it('registering a second Function under a taken name is an error', () => {
    expect(getFunction('add')).toBeDefined();
    expect(() => defineFunction({ name: 'add', forward: (_c, a: K.NDArray) => a, backward: (_c, g) => [g] })).toThrow(/'add' is already registered/);
  });
});
