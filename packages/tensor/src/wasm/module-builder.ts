// A WebAssembly module in the binary format (spec section 5.5): the type, import, function, export and code
// sections, with one imported memory. Kernels build one of these at run time; no .wasm file exists on disk.
import { name, u32, vec } from './encoding';
import type { FunctionBuilder } from './function-builder';
import type { ValType } from './opcodes';

/** The memory a module imports: its size limits in 64 KiB pages and whether it is shared between threads. */
export interface MemoryImport {
  module: string;
  field: string;
  initial: number;
  maximum?: number;
  shared?: boolean;
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];
const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;
const FUNC_TYPE = 0x60;
const EXTERN_FUNC = 0x00;
const EXTERN_MEMORY = 0x02;

function section(id: number, content: number[]): number[] {
  return [id, ...u32(content.length), ...content];
}

export class ModuleBuilder {
  private memory: MemoryImport | null = null;
  private readonly functions: FunctionBuilder[] = [];
  private readonly exported = new Set<FunctionBuilder>();

  /** Imports the module's memory (a shared memory needs a maximum). */
  importMemory(memory: MemoryImport): this {
    if (memory.shared === true && memory.maximum === undefined) throw new Error('wasm: a shared memory needs a maximum size');
    this.memory = memory;
    return this;
  }

  /** Adds a function (exported under its name unless `exported` is false); returns its function index. */
  addFunction(f: FunctionBuilder, exported = true): number {
    this.functions.push(f);
    if (exported) this.exported.add(f);
    return this.functions.length - 1;
  }

  /** The module's bytes. */
  toBytes(): Uint8Array<ArrayBuffer> {
    const signatures: string[] = [];
    const types: number[][] = [];
    const typeOf = (params: readonly ValType[], results: readonly ValType[]): number => {
      const key = `${params.join(',')}:${results.join(',')}`;
      let i = signatures.indexOf(key);
      if (i < 0) {
        i = signatures.length;
        signatures.push(key);
        types.push([FUNC_TYPE, ...u32(params.length), ...params, ...u32(results.length), ...results]);
      }
      return i;
    };
    const funcTypes = this.functions.map((f) => u32(typeOf(f.params, f.results)));
    const bytes = [...MAGIC, ...VERSION, ...section(SECTION.type, vec(types))];
    if (this.memory !== null) {
      const m = this.memory;
      const limits = m.maximum === undefined ? [0x00, ...u32(m.initial)] : [m.shared === true ? 0x03 : 0x01, ...u32(m.initial), ...u32(m.maximum)];
      bytes.push(...section(SECTION.import, vec([[...name(m.module), ...name(m.field), EXTERN_MEMORY, ...limits]])));
    }
    bytes.push(...section(SECTION.function, vec(funcTypes)));
    const exports = this.functions.flatMap((f, i) => (this.exported.has(f) ? [[...name(f.name), EXTERN_FUNC, ...u32(i)]] : []));
    bytes.push(...section(SECTION.export, vec(exports)));
    bytes.push(...section(SECTION.code, vec(this.functions.map((f) => f.encodeBody()))));
    return new Uint8Array(bytes);
  }
}
