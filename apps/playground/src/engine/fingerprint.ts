// The bit-identity check: the SHA-256 of a session's safetensors checkpoint after `steps` steps from a fresh start.
import { TrainingSession, type SampleArrays, type SessionSpec } from './session';

/** Trains a fresh session `steps` steps and hashes its weights (every byte of every tensor, in state-dict order). */
export async function trainedFingerprint(spec: SessionSpec, sample: SampleArrays, steps: number): Promise<{ sha256: string; loss: number }> {
  const session = new TrainingSession(spec, sample);
  let loss = Number.NaN;
  for (let i = 0; i < steps; i++) loss = session.step().loss;
  const digest = await crypto.subtle.digest('SHA-256', session.saveCheckpoint() as Uint8Array<ArrayBuffer>);
  return { sha256: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''), loss };
}
