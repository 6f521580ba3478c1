// Does this runtime validate WebAssembly SIMD128? A one-function module that adds two f32x4 constants.
import { FunctionBuilder } from './function-builder';
import { ModuleBuilder } from './module-builder';
import { ValType } from './opcodes';

let supported: boolean | null = null;

/** The probe module's bytes: (func (result v128) (f32x4.add (v128.const ...) (v128.const ...))). */
export function simdProbeBytes(): Uint8Array<ArrayBuffer> {
  const f = new FunctionBuilder('probe', [], [ValType.v128]);
  f.f32x4(1).f32x4(2).simd('f32x4_add');
  const m = new ModuleBuilder();
  m.addFunction(f);
  return m.toBytes();
}

/** Whether WebAssembly exists and validates the SIMD probe (checked once). */
export function simdSupported(): boolean {
  if (supported === null) {
    try {
      supported = typeof WebAssembly === 'object' && WebAssembly.validate(simdProbeBytes());
    } catch {
      supported = false;
    }
  }
  return supported;
}
