// One WebAssembly function, written instruction by instruction from TypeScript: named locals, the scalar and
// SIMD128 opcodes, memory accesses with static offsets, and structured control with labels instead of depths.
import { f32, f64, s32, u32 } from './encoding';
import { Op, SIMD_PREFIX, SimdOp, ValType } from './opcodes';

/** A local variable (parameters come first): its index in the function. */
export type Local = number;

/** A block or loop that br and br_if can target. */
export interface Label {
  readonly kind: 'block' | 'loop';
}

/** Natural alignment (log2 bytes) of each memory access, as the memarg wants it. */
const ALIGN: Partial<Record<keyof typeof Op | keyof typeof SimdOp, number>> = {
  i32_load: 2, f32_load: 2, f64_load: 3, i32_store: 2, f32_store: 2, f64_store: 3,
  v128_load: 4, v128_store: 4, v128_load32_splat: 2, v128_load32_zero: 2, v128_load64_splat: 3,
  i32_load8_u: 0, i32_store8: 0, v128_load64_zero: 3, v128_load8x8_u: 3,
};

export class FunctionBuilder {
  private readonly paramTypes: ValType[] = [];
  private readonly localTypes: ValType[] = [];
  private readonly names = new Map<string, Local>();
  private readonly code: number[] = [];
  private readonly labels: Label[] = [];

  /** A function `name` with the given parameters (in order) and results. */
  constructor(
    readonly name: string,
    params: ReadonlyArray<readonly [string, ValType]>,
    readonly results: readonly ValType[] = [],
  ) {
    for (const [n, t] of params) {
      this.names.set(n, this.paramTypes.length);
      this.paramTypes.push(t);
    }
  }

  /** The parameter types, in order. */
  get params(): readonly ValType[] {
    return this.paramTypes;
  }

  /** The parameter or local called `name`. */
  arg(name: string): Local {
    const l = this.names.get(name);
    if (l === undefined) throw new Error(`wasm: function ${this.name} has no parameter or local ${name}`);
    return l;
  }

  /** Declares a new local of type `type`. */
  local(name: string, type: ValType): Local {
    if (this.names.has(name)) throw new Error(`wasm: function ${this.name} already has a local ${name}`);
    const index = this.paramTypes.length + this.localTypes.length;
    this.localTypes.push(type);
    this.names.set(name, index);
    return index;
  }

  /** Raw bytes (for the rare instruction without a helper). */
  emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  /** A plain instruction with no immediates. */
  op(name: keyof typeof Op): this {
    return this.emit(Op[name]);
  }

  /** A SIMD instruction with no immediates. */
  simd(name: keyof typeof SimdOp): this {
    return this.emit(SIMD_PREFIX, ...u32(SimdOp[name]));
  }

  get(l: Local): this {
    return this.emit(Op.local_get, ...u32(l));
  }
  set(l: Local): this {
    return this.emit(Op.local_set, ...u32(l));
  }
  tee(l: Local): this {
    return this.emit(Op.local_tee, ...u32(l));
  }
  i32(value: number): this {
    return this.emit(Op.i32_const, ...s32(value));
  }
  f32(value: number): this {
    return this.emit(Op.f32_const, ...f32(value));
  }
  f64(value: number): this {
    return this.emit(Op.f64_const, ...f64(value));
  }

  /** A scalar load or store at the address on the stack plus `offset` bytes. */
  mem(name: 'i32_load' | 'f32_load' | 'f64_load' | 'i32_store' | 'f32_store' | 'f64_store' | 'i32_load8_u' | 'i32_store8', offset = 0): this {
    return this.emit(Op[name], ...u32(ALIGN[name]!), ...u32(offset));
  }

  /**
   * A v128 load, splat-load, zero-load (32 or 64 bits), 8x8 widening load or store at the address on the stack
   * plus `offset` bytes.
   */
  vmem(name: 'v128_load' | 'v128_store' | 'v128_load32_splat' | 'v128_load64_splat' | 'v128_load32_zero' | 'v128_load64_zero' | 'v128_load8x8_u', offset = 0): this {
    return this.emit(SIMD_PREFIX, ...u32(SimdOp[name]), ...u32(ALIGN[name]!), ...u32(offset));
  }

  /** A lane access: f32x4.extract_lane / replace_lane, f64x2.extract_lane, i32x4.extract_lane. */
  lane(name: 'f32x4_extract_lane' | 'f32x4_replace_lane' | 'f64x2_extract_lane' | 'i32x4_extract_lane', index: number): this {
    return this.emit(SIMD_PREFIX, ...u32(SimdOp[name]), index);
  }

  /** v128.const of four f32 lanes. */
  f32x4(a: number, b = a, c = a, d = a): this {
    return this.emit(SIMD_PREFIX, ...u32(SimdOp.v128_const), ...f32(a), ...f32(b), ...f32(c), ...f32(d));
  }

  private enter(kind: 'block' | 'loop', body: (label: Label) => void): this {
    const label: Label = { kind };
    this.emit(kind === 'block' ? Op.block : Op.loop, 0x40);
    this.labels.push(label);
    body(label);
    this.labels.pop();
    return this.emit(Op.end);
  }

  /** block ... end: br(label) inside jumps past the end. */
  block(body: (label: Label) => void): this {
    return this.enter('block', body);
  }

  /** loop ... end: br(label) inside jumps back to the start. */
  loop(body: (label: Label) => void): this {
    return this.enter('loop', body);
  }

  /** if (condition on the stack) then ... [else ...] end. */
  ifElse(then: () => void, otherwise?: () => void): this {
    const label: Label = { kind: 'block' };
    this.emit(Op.if, 0x40);
    this.labels.push(label);
    then();
    if (otherwise !== undefined) {
      this.emit(Op.else);
      otherwise();
    }
    this.labels.pop();
    return this.emit(Op.end);
  }

  private depth(label: Label): number {
    const i = this.labels.lastIndexOf(label);
    if (i < 0) throw new Error(`wasm: branch to a label outside the current nesting in ${this.name}`);
    return this.labels.length - 1 - i;
  }

  br(label: Label): this {
    return this.emit(Op.br, ...u32(this.depth(label)));
  }
  brIf(label: Label): this {
    return this.emit(Op.br_if, ...u32(this.depth(label)));
  }

  /**
   * for (i = start; i < end; i += step) body(), as block/loop with the test at the top; `start` and `end` emit
   * an i32 each (a local, a constant or an expression).
   */
  forRange(i: Local, start: () => void, end: () => void, step: number, body: () => void): this {
    start();
    this.set(i);
    return this.block((exit) => {
      this.loop((top) => {
        this.get(i);
        end();
        this.op('i32_ge_s').brIf(exit);
        body();
        this.get(i).i32(step).op('i32_add').set(i);
        this.br(top);
      });
    });
  }

  // --- added for the pooling, im2col/col2im and batch-norm kernels: 32-bit-lane shuffles, 64-bit zero loads,
  // i32x4 constants.

  /**
   * i8x16.shuffle of the two v128 on the stack (a below b), by 32-bit lanes: result lane k is lane `lanes[k]`
   * of the concatenation a ++ b (0-3 from a, 4-7 from b).
   */
  shuffle32(l0: number, l1: number, l2: number, l3: number): this {
    const bytes: number[] = [];
    for (const l of [l0, l1, l2, l3]) {
      if (!Number.isInteger(l) || l < 0 || l > 7) throw new Error(`wasm: shuffle32 lane ${l} is outside 0..7 in ${this.name}`);
      bytes.push(4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3);
    }
    return this.emit(SIMD_PREFIX, ...u32(SimdOp.i8x16_shuffle), ...bytes);
  }

  /** v128.load64_zero at the address on the stack plus `offset` bytes: two f32 (or one f64) in the low half, zeros above. */
  vmem64(offset = 0): this {
    return this.emit(SIMD_PREFIX, ...u32(SimdOp.v128_load64_zero), ...u32(3), ...u32(offset));
  }

  /** v128.const of four i32 lanes. */
  i32x4(a: number, b = a, c = a, d = a): this {
    return this.emit(SIMD_PREFIX, ...u32(SimdOp.v128_const), ...[a, b, c, d].flatMap(i32le));
  }

  // --- end of the pooling / im2col / batch-norm block

  /** The function body as the code section holds it: size, local declarations, instructions, end. */
  encodeBody(): number[] {
    if (this.labels.length !== 0) throw new Error(`wasm: unclosed block in ${this.name}`);
    const groups: number[][] = [];
    for (let i = 0; i < this.localTypes.length; ) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...u32(j - i), this.localTypes[i]!]);
      i = j;
    }
    const body = [...u32(groups.length), ...groups.flat(), ...this.code, Op.end];
    return [...u32(body.length), ...body];
  }
}

/** Little-endian bytes of a 32-bit integer (for i32x4 constants; used by FunctionBuilder.i32x4). */
function i32le(v: number): number[] {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) throw new RangeError(`wasm: i32 lane out of range: ${v}`);
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
