// The WebAssembly module builder and the per-thread kernel runtime (namespace `wasm` of @adder/tensor).
export { FunctionBuilder, type Local, type Label } from './function-builder';
export { ModuleBuilder, type MemoryImport } from './module-builder';
export { ValType, Op, SimdOp, SIMD_PREFIX } from './opcodes';
export { KernelModule, type KernelExports } from './runtime';
export { simdSupported, simdProbeBytes } from './probe';
export { u32, s32, f32, f64 } from './encoding';
