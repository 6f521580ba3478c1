// Fixture handlers keyed by __metadata__.kind, then by op: an unknown kind or op is an error, never a pass.
import { adder2dHandler } from './handlers/adder2d';
import { batchNorm2dHandler } from './handlers/batch-norm';
import { checkpointHandler } from './handlers/checkpoint';
import { conv2dHandler } from './handlers/conv2d';
import { crossEntropyHandler } from './handlers/cross-entropy';
import { distillationHandler } from './handlers/distillation';
import { adaptiveAvgPool2dHandler, adaptiveMaxPool2dHandler, avgPool2dHandler, groupNormHandler, layerNormHandler } from './handlers/layers';
import { bceWithLogitsHandler, l1LossHandler, mseLossHandler, smoothL1LossHandler } from './handlers/losses';
import { modelHandler } from './handlers/model';
import { sgdHandler } from './handlers/sgd';
import { FixtureError } from './fixture-io';
import type { Fixture, FixtureHandler } from './types';

/** Handlers of kind=op fixtures, by op. */
export const OP_HANDLERS: Readonly<Record<string, FixtureHandler>> = {
  conv2d: conv2dHandler,
  batch_norm2d: batchNorm2dHandler,
  cross_entropy: crossEntropyHandler,
  distillation: distillationHandler,
  sgd: sgdHandler,
  adder2d: adder2dHandler,
  layer_norm: layerNormHandler,
  group_norm: groupNormHandler,
  avg_pool2d: avgPool2dHandler,
  adaptive_avg_pool2d: adaptiveAvgPool2dHandler,
  adaptive_max_pool2d: adaptiveMaxPool2dHandler,
  l1_loss: l1LossHandler,
  mse_loss: mseLossHandler,
  smooth_l1_loss: smoothL1LossHandler,
  binary_cross_entropy_with_logits: bceWithLogitsHandler,
};

/** Handlers by kind; kind=op dispatches further on op. */
export const KIND_HANDLERS: Readonly<Record<string, FixtureHandler>> = {
  op: (fx) => {
    const op = fx.metadata.op;
    if (op === undefined) throw new FixtureError(fx.name, `kind=op but no 'op' in __metadata__ (known ops: ${Object.keys(OP_HANDLERS).join(', ')})`);
    const h = OP_HANDLERS[op];
    if (h === undefined) throw new FixtureError(fx.name, `unknown op '${op}' (known ops: ${Object.keys(OP_HANDLERS).join(', ')})`);
    return h(fx);
  },
  model: modelHandler,
  checkpoint: checkpointHandler,
};

/** The handler for a fixture, or a FixtureError naming the unknown kind. */
export function handlerFor(fx: Fixture): FixtureHandler {
  const kind = fx.metadata.kind;
  if (kind === undefined) throw new FixtureError(fx.name, `no 'kind' in __metadata__ (known kinds: ${Object.keys(KIND_HANDLERS).join(', ')})`);
  const h = KIND_HANDLERS[kind];
  if (h === undefined) throw new FixtureError(fx.name, `unknown kind '${kind}' (known kinds: ${Object.keys(KIND_HANDLERS).join(', ')})`);
  return h;
}
