// A kernel module at run time: compiled once per thread from its builder, instantiated on its own memory, with
// a bump allocator for the per-call operand buffers. The memory grows to the largest call and is then reused.
import { ModuleBuilder } from './module-builder';

const PAGE = 65_536;
/** The most memory one kernel module may hold (the wasm32 limit is 4 GiB). */
const MAX_PAGES = 32_768; // 2 GiB

/** The exported functions of a kernel module, as JS sees them. */
export type KernelExports = Record<string, (...args: number[]) => number | undefined>;

export class KernelModule {
  private instance: { exports: KernelExports; memory: WebAssembly.Memory } | null = null;
  private top = 0;

  /** `build` adds the module's functions to a builder whose memory import is already set. */
  constructor(
    readonly name: string,
    private readonly build: (m: ModuleBuilder) => void,
  ) {}

  private ensure(): { exports: KernelExports; memory: WebAssembly.Memory } {
    if (this.instance === null) {
      const m = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES });
      this.build(m);
      const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
      const inst = new WebAssembly.Instance(new WebAssembly.Module(m.toBytes()), { env: { memory } });
      this.instance = { exports: inst.exports as KernelExports, memory };
    }
    return this.instance;
  }

  /** The module's exported functions. */
  get exports(): KernelExports {
    return this.ensure().exports;
  }

  /** Frees every buffer of the previous call (the memory itself is kept). */
  reset(): void {
    this.top = 0;
  }

  /** Reserves `bytes` (rounded up to 64) and returns their byte address; grows the memory when needed. */
  alloc(bytes: number): number {
    const { memory } = this.ensure();
    const addr = this.top;
    this.top += Math.ceil(bytes / 64) * 64;
    const have = memory.buffer.byteLength;
    if (this.top > have) {
      const pages = Math.ceil((this.top - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        throw new RangeError(`${this.name}: a call needs ${this.top} bytes of kernel memory, more than the ${MAX_PAGES * PAGE} allowed`);
      }
      memory.grow(pages);
    }
    return addr;
  }

  /** A Float32Array over `length` floats at byte address `addr` (take views after the last alloc of a call). */
  f32(addr: number, length: number): Float32Array {
    return new Float32Array(this.ensure().memory.buffer, addr, length);
  }

  /** A Float64Array over `length` doubles at byte address `addr` (8-byte aligned). */
  f64(addr: number, length: number): Float64Array {
    return new Float64Array(this.ensure().memory.buffer, addr, length);
  }

  /** An Int32Array over `length` ints at byte address `addr`. */
  i32(addr: number, length: number): Int32Array {
    return new Int32Array(this.ensure().memory.buffer, addr, length);
  }

  /** Bytes of memory the module holds now. */
  get memoryBytes(): number {
    return this.instance === null ? 0 : this.instance.memory.buffer.byteLength;
  }
}
