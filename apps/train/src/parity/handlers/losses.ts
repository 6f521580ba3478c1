// op=l1_loss, mse_loss, smooth_l1_loss, binary_cross_entropy_with_logits: @adder/nn's losses and their input
// gradient against torch's (the target is differentiated too where torch's gradient w.r.t. it is stored).
import { binaryCrossEntropyWithLogits, l1Loss, mseLoss, smoothL1Loss, type Reduction } from '@adder/nn';
import { FixtureError, numberOption, optionalTensor } from '../fixture-io';
import { TOLERANCES } from '../tolerances';
import type { Comparison, Fixture } from '../types';
import { runOpFixture } from './op-fixture';

function reductionOf(fx: Fixture): Reduction {
  const r = fx.metadata.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new FixtureError(fx.name, `option reduction='${r}' is not mean, sum or none`);
  return r;
}

export const l1LossHandler = (fx: Fixture): Comparison[] =>
  runOpFixture(fx, ['input', 'target'], ({ input, target }) => l1Loss(input!, target!, { reduction: reductionOf(fx) }), TOLERANCES.loss);
export const mseLossHandler = (fx: Fixture): Comparison[] =>
  runOpFixture(fx, ['input', 'target'], ({ input, target }) => mseLoss(input!, target!, { reduction: reductionOf(fx) }), TOLERANCES.loss);
export const smoothL1LossHandler = (fx: Fixture): Comparison[] =>
  runOpFixture(fx, ['input', 'target'], ({ input, target }) => smoothL1Loss(input!, target!, { reduction: reductionOf(fx), beta: numberOption(fx, 'beta', 1) }), TOLERANCES.loss);
export const bceWithLogitsHandler = (fx: Fixture): Comparison[] =>
  runOpFixture(
    fx,
    ['input', 'target'],
    ({ input, target }) =>
      binaryCrossEntropyWithLogits(input!, target!, { reduction: reductionOf(fx), weight: optionalTensor(fx, 'weight') ?? null, posWeight: optionalTensor(fx, 'pos_weight') ?? null }),
    TOLERANCES.loss,
  );
