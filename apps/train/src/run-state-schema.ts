// Schema checks of a saved run before --resume trusts it: the run state in the checkpoint metadata and the
// TrainConfig in it and in config.json. A wrong-typed or out-of-range field is refused by name.
import { CliError } from './cli/errors';
import { TRAIN_FLAGS, type TrainConfig } from './config';

/** The check of one field: what it expects, and whether a value passes. */
interface FieldRule {
  expects: string;
  ok: (v: unknown) => boolean;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const num = (min: number, max = Infinity, minExclusive = false): FieldRule => ({
  expects: `a number in ${minExclusive ? '(' : '['}${min}, ${max === Infinity ? 'inf)' : `${max}]`}`,
  ok: (v) => typeof v === 'number' && Number.isFinite(v) && (minExclusive ? v > min : v >= min) && v <= max,
});
const int = (min: number, max = Infinity): FieldRule => ({ expects: `an integer >= ${min}${max === Infinity ? '' : ` and <= ${max}`}`, ok: (v) => isInt(v) && v >= min && v <= max });
const orNull = (r: FieldRule): FieldRule => ({ expects: `${r.expects} or null`, ok: (v) => v === null || r.ok(v) });
const orUndefined = (r: FieldRule): FieldRule => ({ expects: r.expects, ok: (v) => v === undefined || r.ok(v) });
const choice = (flag: string): FieldRule => {
  const choices = TRAIN_FLAGS[flag]!.choices!;
  return { expects: `one of ${choices.join('|')}`, ok: (v) => typeof v === 'string' && choices.includes(v) };
};
const bool: FieldRule = { expects: 'true or false', ok: (v) => typeof v === 'boolean' };
const pathOrNull: FieldRule = { expects: 'a path or null', ok: (v) => v === null || (typeof v === 'string' && v.length > 0) };

/** Every field of TrainConfig and its rule (the ranges of the flags that set them). */
const CONFIG_RULES: Readonly<Record<keyof TrainConfig, FieldRule>> = {
  recipe: choice('recipe'),
  model: choice('model'),
  kind: choice('kind'),
  eta: num(0),
  dataset: choice('dataset'),
  dataDir: pathOrNull,
  download: bool,
  subset: orNull(int(1)),
  evalSubset: orNull(int(1)),
  epochs: int(1),
  batchSize: int(1),
  lr: num(0),
  momentum: num(0, 1),
  weightDecay: num(0),
  nesterov: bool,
  schedule: choice('schedule'),
  warmupEpochs: num(0),
  labelSmoothing: num(0, 0.999),
  augment: choice('augment'),
  teacher: pathOrNull,
  distillAlpha: num(0, 1),
  distillTemperature: num(0, Infinity, true),
  bnRecalibBatches: int(0),
  seed: int(0),
  threads: orUndefined(int(1, 256)), // the resumed run takes --threads and --backend from the command line
  backend: orUndefined(choice('backend')),
  out: pathOrNull,
  resume: pathOrNull,
  evalEvery: int(1),
  allowPartialCifar: bool,
};

/** Fields added after the first saved runs: a run saved before them takes these values. */
export const NEWER_CONFIG_FIELDS: Partial<TrainConfig> = { labelSmoothing: 0, augment: 'crop-flip', teacher: null, distillAlpha: 0.5, distillTemperature: 4, allowPartialCifar: false };

/** A saved run that cannot be resumed: format class, naming the file and the field. */
function refuse(source: string, field: string, rule: { expects: string }, value: unknown): never {
  throw new CliError('format', `train: --resume: ${source}: '${field}' must be ${rule.expects}, found ${JSON.stringify(value) ?? String(value)}; the run state was changed or damaged`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks a saved TrainConfig (from `source`, e.g. "config.json" or "checkpoint metadata") and fills fields newer than it. */
export function checkSavedConfig(source: string, value: unknown): TrainConfig {
  if (!isRecord(value)) refuse(source, 'config', { expects: 'an object' }, value);
  const config = { ...NEWER_CONFIG_FIELDS, ...value } as Record<string, unknown>;
  for (const [field, rule] of Object.entries(CONFIG_RULES)) if (!rule.ok(config[field])) refuse(source, field, rule, config[field]);
  const unknown = Object.keys(config).find((k) => !(k in CONFIG_RULES));
  if (unknown !== undefined) refuse(source, unknown, { expects: 'absent (not a field of the train config)' }, config[unknown]);
  return config as unknown as TrainConfig;
}

/** The run state of a checkpoint (RunState plus the position inside an interrupted epoch). */
export interface SavedRunState {
  epoch: number;
  step: number;
  bestAcc: number;
  config: TrainConfig;
  schedule: { name: string; lastEpoch: number };
  rng: unknown;
  inEpoch?: { epoch: number; batch: number; acc: { lossSum: number; correct: number; seen: number; loadMs: number; startedAt: number } };
}

/** Checks the 'adder.train' metadata of a checkpoint: every field's type and range, and that epoch and step agree. */
export function checkRunState(file: string, value: unknown): SavedRunState {
  const src = `${file} metadata 'adder.train'`;
  if (!isRecord(value)) refuse(src, 'adder.train', { expects: 'an object' }, value);
  const rules: Record<string, FieldRule> = { epoch: int(0), step: int(0), bestAcc: { expects: 'a number in [-1, 1]', ok: (v) => typeof v === 'number' && v >= -1 && v <= 1 } };
  for (const [field, rule] of Object.entries(rules)) if (!rule.ok(value[field])) refuse(src, field, rule, value[field]);
  const schedule = value['schedule'];
  if (!isRecord(schedule) || typeof schedule['name'] !== 'string' || !isInt(schedule['lastEpoch']) || schedule['lastEpoch'] < 0) {
    refuse(src, 'schedule', { expects: '{ name: string, lastEpoch: integer >= 0 }' }, schedule);
  }
  const config = checkSavedConfig(`${file} metadata 'adder.train'.config`, value['config']);
  const state = value as unknown as SavedRunState;
  if (value['inEpoch'] !== undefined) {
    const e = value['inEpoch'];
    const accOk = isRecord(e) && isRecord(e['acc']) && ['lossSum', 'correct', 'seen', 'loadMs', 'startedAt'].every((k) => typeof (e['acc'] as Record<string, unknown>)[k] === 'number' && Number.isFinite((e['acc'] as Record<string, unknown>)[k]));
    if (!isRecord(e) || !isInt(e['epoch']) || e['epoch'] !== state.epoch + 1 || !isInt(e['batch']) || e['batch'] < 0 || !accOk) {
      refuse(src, 'inEpoch', { expects: `{ epoch: ${state.epoch + 1}, batch: integer >= 0, acc: { lossSum, correct, seen, loadMs, startedAt: numbers } }` }, e);
    }
  }
  if (state.epoch > config.epochs) refuse(src, 'epoch', { expects: `at most the run's epochs (${config.epochs})` }, state.epoch);
  return { ...state, config };
}
