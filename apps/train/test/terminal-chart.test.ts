import { describe, expect, it } from 'vitest';
import { terminalChart } from '../src/terminal-chart';

describe('terminalChart', () => {
  it('fills each column up to its value: 72% of 0..100 in 8 rows fills the 6 rows whose midpoints (6.25 ... 68.75) lie below it', () => {
    const lines = terminalChart('acc', [72, 10], { min: 0, max: 100 }).split('\n');
    const rows = lines.slice(1, 9);
    const filled = (col: number): number => rows.filter((r) => r.split('|')[1]!.slice(col * 3, col * 3 + 2) === '##').length;
    expect(filled(0)).toBe(6);
    expect(filled(1)).toBe(1); // only the 6.25 midpoint is below 10
    expect(lines[0]).toBe('acc');
  });

  it('says so when there is nothing to draw', () => {
    expect(terminalChart('acc', [], { min: 0, max: 100 })).toBe('acc: no data');
  });
});
