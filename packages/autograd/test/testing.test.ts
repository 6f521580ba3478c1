// The registry-coverage check of @adder/autograd/testing reports every kind of mismatch.
import { describe, expect, it } from 'vitest';
import * as K from '@adder/tensor';
import { defineFunction } from '@adder/autograd';
import { assertCasesCoverFunctions, declaredBackwardCase, type CaseTable } from '@adder/autograd/testing';

describe('assertCasesCoverFunctions', () => {
  it('reports missing, extra, duplicated and wrongly-kinded cases', () => {
    const ok = { kind: 'gradcheck' as const, check: () => undefined };
    expect(() => assertCasesCoverFunctions(new Map([['a.cases.ts', { add: ok }]]), ['add', 'mul'])).toThrow(/'mul' is registered but no case table/);
    expect(() => assertCasesCoverFunctions(new Map([['a.cases.ts', { add: ok, nope: ok }]]), ['add'])).toThrow(/case for 'nope'/);
    const dup: [string, CaseTable][] = [['a.cases.ts', { add: ok }], ['b.cases.ts', { add: ok }]];
    expect(() => assertCasesCoverFunctions(new Map(dup), ['add'])).toThrow(/both a.cases.ts and b.cases.ts/);
    expect(() => assertCasesCoverFunctions(new Map([['a.cases.ts', { add: declaredBackwardCase(() => undefined) }]]), ['add'])).toThrow(/must be a gradcheck/);
    defineFunction({ name: 'registryTestSurrogate', surrogateGradient: true, forward: (_c, a: K.NDArray) => a.clone(), backward: (_c, g) => [g] });
    expect(() => assertCasesCoverFunctions(new Map([['a.cases.ts', { registryTestSurrogate: ok }]]), ['registryTestSurrogate'])).toThrow(/declared-backward/);
  });
});
