// countOps against the MAC counts of ADDERNET.md (computed there by hand from the architecture) and the paper's rule.
import { describe, expect, it } from 'vitest';
import { countOps, formatOpCount, resnet } from '../src/index';

describe('countOps', () => {
  const table = [
    [20, 40_370_176, 40_813_184],
    [32, 68_681_728, 69_124_736],
    [56, 125_304_832, 125_747_840],
  ] as const;

  it('counts the adder and all-layer MACs of ResNet-20/32/56 on 32x32', () => {
    for (const [depth, adderMacs, allMacs] of table) {
      const c = countOps(resnet({ depth }), [3, 32, 32]);
      expect(c.adderMacs, `ResNet-${depth}`).toBe(adderMacs);
      expect(c.totalMacs, `ResNet-${depth}`).toBe(allMacs);
      // As the code runs: the conv stem and the 1x1 classifier multiply; each adder MAC is 2 additions.
      expect(c.asRun).toEqual({ multiplications: allMacs - adderMacs, additions: 2 * adderMacs + (allMacs - adderMacs) });
      expect(c.paperView).toEqual({ multiplications: 0, additions: 2 * allMacs });
    }
  });

  it("reproduces the paper's ResNet-32 figure: 138.24M additions = 2 x 69.12M all-layer MACs", () => {
    const c = countOps(resnet({ depth: 32 }), [1, 3, 32, 32]);
    expect((c.paperView.additions / 1e6).toFixed(2)).toBe('138.25');
    expect(Math.round(c.totalMacs / 1e4) / 100).toBe(69.12);
    expect(c.paper?.adderNet.additions).toBe(138.24e6);
  });

  it('gives the CNN twin the same MACs, as multiplications', () => {
    const [, , allMacs] = table[0];
    const c = countOps(resnet({ depth: 20, kind: 'cnn' }), [3, 32, 32]);
    expect(c.kind).toBe('cnn');
    expect(c.adderMacs).toBe(0);
    expect(c.totalMacs).toBe(allMacs);
    expect(c.asRun).toEqual({ multiplications: allMacs, additions: allMacs });
    expect(c.paperView).toEqual(c.asRun);
  });

  it('lists every layer call, keeps BN/ReLU/pooling apart, and leaves the model untouched', () => {
    const model = resnet({ depth: 20 });
    const before = model.stateDict()['bn1.running_mean']!.toTyped().slice();
    const c = countOps(model, [3, 32, 32]);
    // 18 adder 3x3 layers (9 blocks x 2) + 2 downsample adders + the stem + the classifier.
    expect(c.layers.filter((l) => l.macs > 0)).toHaveLength(22);
    expect(c.layers.find((l) => l.name === 'layer2.0.downsample.0')).toMatchObject({ type: 'adder', macs: 16 * 32 * 16 * 16, outputShape: [1, 32, 16, 16] });
    // The stem BN and every block's two BNs, the downsample BNs and bn2: 1 + 18 + 2 + 1 calls.
    expect(c.layers.filter((l) => l.type === 'batchnorm')).toHaveLength(22);
    // ReLU after the stem and twice per block.
    expect(c.layers.filter((l) => l.type === 'relu')).toHaveLength(19);
    expect(c.layers.find((l) => l.type === 'avgpool')).toMatchObject({ additions: 64 * 63, multiplications: 64 });
    expect(model.training).toBe(true);
    expect([...model.stateDict()['bn1.running_mean']!.toTyped()]).toEqual([...before]);
    const text = formatOpCount(c);
    expect(text).toContain('40,813,184');
    expect(text).toContain('82.34M');
    expect(text).toContain("paper's view");
  });
});
