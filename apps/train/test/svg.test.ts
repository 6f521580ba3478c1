// curves.svg rendering: well-formed XML, point positions from the data, gaps for missing values, escaped labels.
import { describe, expect, it } from 'vitest';
import { renderCurvesSvg } from '../src/svg-chart';
import { allElements, parseXml } from './fixtures/train-harness';

const pointsOf = (p: { attrs: Record<string, string> }): [number, number][] =>
  p.attrs['points']!.trim() === '' ? [] : p.attrs['points']!.trim().split(/\s+/).map((s) => s.split(',').map(Number) as [number, number]);

describe('renderCurvesSvg', () => {
  it('places one point per epoch, left to right, higher values higher up, and skips missing values', () => {
    const svg = renderCurvesSvg([{ title: 'Loss & <more>', yLabel: 'cross-entropy', series: [{ name: 'train', color: '#000', values: [3, 2, 1.5, 1] }, { name: 'test "held-out"', color: '#f00', values: [null, 2.5, null, 1.2] }] }], 4);
    const root = parseXml(svg);
    const els = allElements(root);
    const [train, test] = els.filter((e) => e.name === 'polyline');
    const tp = pointsOf(train!);
    expect(tp).toHaveLength(4);
    for (let i = 1; i < 4; i++) {
      expect(tp[i]![0]).toBeGreaterThan(tp[i - 1]![0]);
      // SVG y grows downwards: a smaller loss is drawn lower
      expect(tp[i]![1]).toBeGreaterThan(tp[i - 1]![1]);
    }
    // evenly spaced epochs
    expect(tp[2]![0] - tp[1]![0]).toBeCloseTo(tp[1]![0] - tp[0]![0], 1);
    const sp = pointsOf(test!);
    expect(sp).toHaveLength(2);
    expect(sp.map((p) => p[0])).toEqual([tp[1]![0], tp[3]![0]]);
    // the y axis is linear in the value: (3 - 2) and (2 - 1) span the same height
    expect(tp[1]![1] - tp[0]![1]).toBeCloseTo(tp[3]![1] - tp[1]![1], 1);
    expect(els.find((e) => e.name === 'text' && e.attrs['font-weight'] === 'bold')!.text).toBe('Loss &amp; &lt;more&gt;');
    expect(test!.attrs['data-series']).toBe('test "held-out"'.replace(/"/g, '&quot;'));
  });

  it('draws a single epoch and a flat series without dividing by zero', () => {
    const svg = renderCurvesSvg([{ title: 'Accuracy', yLabel: '%', series: [{ name: 'train', color: '#000', values: [50] }] }], 1);
    expect(svg).not.toMatch(/NaN|Infinity/);
    const [p] = allElements(parseXml(svg)).filter((e) => e.name === 'polyline');
    expect(pointsOf(p!)).toHaveLength(1);
  });
});
