// Kernel registry names are camelCase, dotted by family ('gemm', 'reduce.rowMax', 'conv2d.backwardInput').
import { describe, expect, it } from 'vitest';
import { listKernels } from '../src/index';

describe('kernel registry names', () => {
  it('are camelCase segments joined by dots', () => {
    const names = listKernels().map((k) => k.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/.test(n))).toEqual([]);
  });
});
