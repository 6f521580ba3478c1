// The messages between the page (main.ts) and the engine worker (engine-worker.ts).
import type { NetworkKind } from '@adder/addernet';
import type { AdderLayerStats, Hyper, SessionSpec, StepRecord } from './session';

/** The page asks. */
export type Request =
  | { type: 'reset'; spec: SessionSpec }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'hyper'; change: Partial<Hyper> }
  | { type: 'activations'; index: number }
  | { type: 'classify'; pixels: Uint8Array }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array; name: string }
  | { type: 'fingerprint'; spec: SessionSpec; steps: number };

/** The worker answers. */
export type Reply =
  | { type: 'ready'; backend: string; threads: number; isolated: boolean }
  | { type: 'step'; kind: NetworkKind; record: StepRecord; hyperChanged: boolean }
  | { type: 'eval'; kind: NetworkKind; step: number; accuracy: number; confusion: number[][] }
  | { type: 'adderStats'; step: number; stats: AdderLayerStats[] }
  | { type: 'filters'; shape: number[]; data: Float32Array }
  | { type: 'activations'; index: number; label: number; stages: Array<{ name: string; shape: number[]; data: Float32Array }>; probabilities: Float32Array }
  | { type: 'probabilities'; probabilities: Float32Array }
  | { type: 'checkpoint'; bytes: Uint8Array }
  | { type: 'loaded'; name: string; architecture: string; kind: NetworkKind; inChannels: number }
  | { type: 'fingerprint'; sha256: string; loss: number }
  | { type: 'state'; running: boolean }
  | { type: 'error'; message: string };
