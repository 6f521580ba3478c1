// The pickle virtual machine: reads opcodes (protocols 2-5, and the text forms they still use) into inert values.
import { OP, OPCODE_BY_CODE } from './opcodes';
import { PickleError } from './errors';
import { BuilderError } from './builder-error';
import type { AllowListOptions } from './globals';
import { resolveGlobal } from './globals';
import type { PickleExtension, PickleValue } from './values';
import { PyGlobal, PyObject, PyOrderedDict, describeValue, isDict, isTuple } from './values';
import { DEFAULT_PICKLE_LIMITS, ResourceLimitError, resolveLimits, type PickleLimits } from '../limits';
import { latin1Decode, latin1Encode } from './latin1';

/** Options of readPickle. */
export interface ReadPickleOptions extends AllowListOptions {
  /** Names the data in error messages (a file path, or 'archive/data.pkl in x.pth'). */
  source?: string;
  /** Resolves a persistent id (torch storages). Without it a persistent id is an error. */
  persistentLoad?: (pid: PickleValue) => PickleValue;
  /** How Python 2 str values (STRING/BINSTRING) load: 'latin1' strings (default, as torch and torchvision do) or bytes. */
  py2Strings?: 'latin1' | 'bytes';
  /** Resource limits (memo entries, values created, int digits); unset ones keep DEFAULT_PICKLE_LIMITS. */
  limits?: Partial<PickleLimits>;
}

/** A value read from the middle of a byte stream, and where the pickle ended. */
export interface PickleReadResult {
  value: PickleValue;
  /** Byte offset just after the STOP opcode. */
  end: number;
}

const utf8 = new TextDecoder('utf-8');

function toInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** '00' .. 'ff', by byte value (no Buffer: this module also runs in a browser). */
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Two's-complement little-endian bytes to an integer (LONG1 / LONG4), in linear time: one hex parse, not a shift per byte. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  const hex = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) hex[bytes.length - 1 - i] = HEX_BYTE[bytes[i]!]!; // big-endian digits
  let v = BigInt(`0x${hex.join('')}`);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return toInt(v);
}

class Unpickler {
  private pos: number;
  private readonly view: DataView;
  private readonly stack: PickleValue[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PickleValue>();
  private readonly source: string;
  private readonly limits: PickleLimits;
  /** Values created so far (shared references pushed by GET / DUP are not new values). */
  private created = 0;
  private opStart = 0;

  constructor(
    private readonly data: Uint8Array,
    start: number,
    private readonly opts: ReadPickleOptions,
  ) {
    this.pos = start;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.source = opts.source ?? '<bytes>';
    this.limits = resolveLimits(DEFAULT_PICKLE_LIMITS, opts.limits, `readPickle ${this.source}`);
  }

  private overLimit(limit: keyof PickleLimits, found: string): never {
    throw new ResourceLimitError(this.source, `pickle byte ${this.opStart}`, limit, this.limits[limit], found);
  }

  private fail(problem: string): never {
    throw new PickleError(this.source, this.opStart, problem);
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.data.length) {
      this.fail(`truncated: ${what} needs ${n} bytes at byte ${this.pos} but the data ends at byte ${this.data.length}`);
    }
  }
  private u8(): number {
    this.need(1, 'an opcode argument');
    return this.data[this.pos++]!;
  }
  private u16(): number {
    this.need(2, 'an opcode argument');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  private i32(): number {
    this.need(4, 'an opcode argument');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private u32(): number {
    return this.i32() >>> 0;
  }
  private u64(): number {
    this.need(8, 'an opcode argument');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`length ${v} is too large`);
    return Number(v);
  }
  private bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  private line(): string {
    const nl = this.data.indexOf(0x0a, this.pos);
    if (nl < 0) this.fail('truncated: a text argument has no terminating newline');
    const s = latin1Decode(this.data.subarray(this.pos, nl));
    this.pos = nl + 1;
    return s;
  }

  /** Pushes a newly created value (counted against maxObjects). */
  private push(v: PickleValue): void {
    if (++this.created > this.limits.maxObjects) this.overLimit('maxObjects', `more than ${this.limits.maxObjects} values`);
    this.stack.push(v);
  }
  /** Pushes another reference to an existing value (memo GET, DUP): it costs no new object. */
  private pushShared(v: PickleValue): void {
    this.stack.push(v);
  }
  private memoPut(i: number, v: PickleValue): void {
    if (!this.memo.has(i) && this.memo.size >= this.limits.maxMemoEntries) this.overLimit('maxMemoEntries', `more than ${this.limits.maxMemoEntries} memo entries`);
    this.memo.set(i, v);
  }
  /** A decimal text integer (INT / LONG), refused past maxIntDigits as Python refuses int('...') past max_str_digits. */
  private decimal(s: string): number | bigint {
    const digits = s.replace(/^[+-]/, '').length;
    if (digits > this.limits.maxIntDigits) this.overLimit('maxIntDigits', `a text integer of ${digits} digits`);
    return toInt(BigInt(s));
  }
  private pop(): PickleValue {
    const floor = this.marks.length ? this.marks[this.marks.length - 1]! : 0;
    if (this.stack.length <= floor) this.fail('stack underflow (malformed pickle)');
    return this.stack.pop()!;
  }
  private top(): PickleValue {
    const floor = this.marks.length ? this.marks[this.marks.length - 1]! : 0;
    if (this.stack.length <= floor) this.fail('stack underflow (malformed pickle)');
    return this.stack[this.stack.length - 1]!;
  }
  private popMark(): PickleValue[] {
    const m = this.marks.pop();
    if (m === undefined) this.fail('no MARK on the stack');
    return this.stack.splice(m);
  }

  private py2String(b: Uint8Array): PickleValue {
    return this.opts.py2Strings === 'bytes' ? b.slice() : latin1Decode(b);
  }

  private memoGet(i: number): PickleValue {
    if (!this.memo.has(i)) this.fail(`memo key ${i} was never stored`);
    return this.memo.get(i)!;
  }

  private global(module: string, name: string): PyGlobal {
    const handler = resolveGlobal(module, name, this.opts);
    if (!handler) {
      this.fail(
        `forbidden global ${module}.${name}: only OrderedDict, builtins containers, torch storages and tensor rebuilders` +
          `${this.opts.numpy ? ', numpy arrays' : ''} and torch.nn module classes are allowed (nothing is imported or run)` +
          (/^[A-Z]/.test(name) ? `; if it is an nn.Module class of your own, list it in inertClasses: ['${module}.${name}']` : ''),
      );
    }
    return new PyGlobal(module === '__builtin__' ? 'builtins' : module, name, handler);
  }

  private guarded<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof BuilderError) this.fail(`${what}: ${e.message}`);
      throw e;
    }
  }

  private reduce(callable: PickleValue, args: PickleValue): PickleValue {
    if (!(callable instanceof PyGlobal)) this.fail(`REDUCE on ${describeValue(callable)}: only allow-listed globals can be called`);
    if (!isTuple(args)) this.fail(`REDUCE of ${callable.qualifiedName} expects an argument tuple, got ${describeValue(args)}`);
    const call = callable.handler.call;
    if (!call) this.fail(`global ${callable.qualifiedName} is allowed as a name but cannot be called`);
    return this.guarded(callable.qualifiedName, () => call(args));
  }

  private newObj(cls: PickleValue, args: PickleValue): PickleValue {
    if (!(cls instanceof PyGlobal)) this.fail(`NEWOBJ on ${describeValue(cls)}: only allow-listed classes can be instantiated`);
    if (!isTuple(args)) this.fail(`NEWOBJ of ${cls.qualifiedName} expects an argument tuple, got ${describeValue(args)}`);
    const make = cls.handler.newObj;
    if (!make) this.fail(`global ${cls.qualifiedName} cannot be instantiated`);
    return this.guarded(cls.qualifiedName, () => make(args));
  }

  private build(target: PickleValue, state: PickleValue): void {
    if (target instanceof PyObject || target instanceof PyOrderedDict) {
      // state is a __dict__, or (dict_state, slot_state) from object.__reduce_ex__; anything else is kept whole.
      const isDictOrNone = (x: PickleValue | undefined): boolean => x === null || (x !== undefined && isDict(x));
      const split = isTuple(state) && state.length === 2 && isDictOrNone(state[0]) && isDictOrNone(state[1]);
      const parts = split ? state : [state];
      for (const part of parts) {
        if (part === null) continue;
        if (isDict(part)) {
          for (const [k, v] of part) {
            if (typeof k !== 'string') this.fail(`BUILD of ${describeValue(target)}: attribute name ${describeValue(k)} is not a str`);
            target.attributes.set(k, v);
          }
        } else if (target instanceof PyObject) {
          target.otherState.push(part);
        } else {
          this.fail(`BUILD of an OrderedDict expects a dict state, got ${describeValue(part)}`);
        }
      }
      return;
    }
    const ext = target as PickleExtension | null;
    if (ext !== null && typeof ext === 'object' && 'pickleKind' in ext && ext.setState) {
      const setState = ext.setState.bind(ext);
      this.guarded(`BUILD of ${ext.pickleKind}`, () => setState(state));
      return;
    }
    this.fail(`BUILD on ${describeValue(target)} is not supported`);
  }

  private setItems(dict: PickleValue, items: PickleValue[]): void {
    if (!isDict(dict)) this.fail(`SETITEM(S) on ${describeValue(dict)}, expected a dict`);
    if (items.length % 2) this.fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i]!, items[i + 1]!);
  }

  private appendItems(list: PickleValue, items: PickleValue[]): void {
    if (list instanceof Set) {
      for (const x of items) list.add(x);
      return;
    }
    if (!Array.isArray(list) || isTuple(list)) this.fail(`APPEND(S) on ${describeValue(list)}, expected a list`);
    for (const x of items) (list as PickleValue[]).push(x);
  }

  private persistent(pid: PickleValue): PickleValue {
    const load = this.opts.persistentLoad;
    if (!load) this.fail(`persistent id ${describeValue(pid)} found but no persistent_load was given`);
    return load(pid);
  }

  run(): PickleReadResult {
    const d = this.data;
    for (;;) {
      this.opStart = this.pos;
      if (this.pos >= d.length) this.fail('truncated: the data ends before the STOP opcode');
      const code = d[this.pos++]!;
      switch (code) {
        case OP.PROTO: {
          const p = this.u8();
          if (p < 2 || p > 5) this.fail(`unsupported pickle protocol ${p} (2 to 5 are read)`);
          break;
        }
        case OP.FRAME: {
          const n = this.u64();
          this.need(n, 'a frame');
          break;
        }
        case OP.STOP:
          return { value: this.pop(), end: this.pos };
        case OP.MARK:
          this.marks.push(this.stack.length);
          break;
        case OP.POP:
          this.pop();
          break;
        case OP.POP_MARK:
          this.popMark();
          break;
        case OP.DUP:
          this.pushShared(this.top());
          break;
        case OP.NONE:
          this.push(null);
          break;
        case OP.NEWTRUE:
          this.push(true);
          break;
        case OP.NEWFALSE:
          this.push(false);
          break;
        case OP.INT: {
          const s = this.line();
          if (s === '00') this.push(false);
          else if (s === '01') this.push(true);
          else if (/^[+-]?\d+$/.test(s)) this.push(this.decimal(s));
          else this.fail(`INT argument '${s}' is not an integer`);
          break;
        }
        case OP.BININT:
          this.push(this.i32());
          break;
        case OP.BININT1:
          this.push(this.u8());
          break;
        case OP.BININT2:
          this.push(this.u16());
          break;
        case OP.LONG: {
          const s = this.line().replace(/L$/, '');
          if (!/^[+-]?\d+$/.test(s)) this.fail(`LONG argument '${s}' is not an integer`);
          this.push(this.decimal(s));
          break;
        }
        case OP.LONG1:
          this.push(decodeLong(this.bytes(this.u8(), 'LONG1')));
          break;
        case OP.LONG4: {
          const n = this.i32();
          if (n < 0) this.fail('LONG4 with a negative length');
          this.push(decodeLong(this.bytes(n, 'LONG4')));
          break;
        }
        case OP.FLOAT: {
          // Python writes repr(float): decimal text, or inf / -inf / nan.
          const s = this.line().trim();
          const special: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, nan: NaN, '-nan': NaN };
          const v = special[s.toLowerCase()] ?? (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : undefined);
          if (v === undefined) this.fail(`FLOAT argument '${s}' is not a number`);
          this.push(v);
          break;
        }
        case OP.BINFLOAT:
          this.need(8, 'BINFLOAT');
          this.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        case OP.STRING: {
          const s = this.line();
          const q = s[0];
          if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) this.fail('STRING argument is not quoted');
          const body = s.slice(1, -1).replace(/\\x([0-9a-fA-F]{2})|\\(['"\\])|\\n|\\t|\\r/g, (m, hex: string, ch: string) =>
            hex ? String.fromCharCode(parseInt(hex, 16)) : ch ? ch : m === '\\n' ? '\n' : m === '\\t' ? '\t' : '\r',
          );
          this.push(this.py2String(latin1Encode(body)));
          break;
        }
        case OP.BINSTRING: {
          const n = this.i32();
          if (n < 0) this.fail('BINSTRING with a negative length');
          this.push(this.py2String(this.bytes(n, 'BINSTRING')));
          break;
        }
        case OP.SHORT_BINSTRING:
          this.push(this.py2String(this.bytes(this.u8(), 'SHORT_BINSTRING')));
          break;
        case OP.BINBYTES:
          this.push(this.bytes(this.u32(), 'BINBYTES').slice());
          break;
        case OP.SHORT_BINBYTES:
          this.push(this.bytes(this.u8(), 'SHORT_BINBYTES').slice());
          break;
        case OP.BINBYTES8:
        case OP.BYTEARRAY8:
          this.push(this.bytes(this.u64(), 'BINBYTES8').slice());
          break;
        case OP.UNICODE: {
          const s = this.line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4: string, u8: string) =>
            String.fromCodePoint(parseInt(u4 ?? u8, 16)),
          );
          this.push(s);
          break;
        }
        case OP.BINUNICODE:
          this.push(utf8.decode(this.bytes(this.u32(), 'BINUNICODE')));
          break;
        case OP.SHORT_BINUNICODE:
          this.push(utf8.decode(this.bytes(this.u8(), 'SHORT_BINUNICODE')));
          break;
        case OP.BINUNICODE8:
          this.push(utf8.decode(this.bytes(this.u64(), 'BINUNICODE8')));
          break;
        case OP.EMPTY_TUPLE:
          this.push(Object.freeze([]));
          break;
        case OP.TUPLE:
          this.push(Object.freeze(this.popMark()));
          break;
        case OP.TUPLE1: {
          const a = this.pop();
          this.push(Object.freeze([a]));
          break;
        }
        case OP.TUPLE2: {
          const b = this.pop();
          const a = this.pop();
          this.push(Object.freeze([a, b]));
          break;
        }
        case OP.TUPLE3: {
          const c = this.pop();
          const b = this.pop();
          const a = this.pop();
          this.push(Object.freeze([a, b, c]));
          break;
        }
        case OP.EMPTY_LIST:
          this.push([]);
          break;
        case OP.LIST:
          this.push(this.popMark());
          break;
        case OP.APPEND: {
          const x = this.pop();
          this.appendItems(this.top(), [x]);
          break;
        }
        case OP.APPENDS: {
          const items = this.popMark();
          this.appendItems(this.top(), items);
          break;
        }
        case OP.EMPTY_DICT:
          this.push(new Map());
          break;
        case OP.DICT: {
          const d2 = new Map<PickleValue, PickleValue>();
          this.setItems(d2, this.popMark());
          this.push(d2);
          break;
        }
        case OP.SETITEM: {
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.top(), [k, v]);
          break;
        }
        case OP.SETITEMS: {
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case OP.EMPTY_SET:
          this.push(new Set());
          break;
        case OP.ADDITEMS: {
          const items = this.popMark();
          const s = this.top();
          if (!(s instanceof Set)) this.fail(`ADDITEMS on ${describeValue(s)}, expected a set`);
          for (const x of items) s.add(x);
          break;
        }
        case OP.FROZENSET:
          this.push(new Set(this.popMark()));
          break;
        case OP.GET:
          this.pushShared(this.memoGet(Number(this.line())));
          break;
        case OP.BINGET:
          this.pushShared(this.memoGet(this.u8()));
          break;
        case OP.LONG_BINGET:
          this.pushShared(this.memoGet(this.u32()));
          break;
        case OP.PUT:
          this.memoPut(Number(this.line()), this.top());
          break;
        case OP.BINPUT:
          this.memoPut(this.u8(), this.top());
          break;
        case OP.LONG_BINPUT:
          this.memoPut(this.u32(), this.top());
          break;
        case OP.MEMOIZE:
          this.memoPut(this.memo.size, this.top());
          break;
        case OP.GLOBAL: {
          const module = this.line();
          const name = this.line();
          this.push(this.global(module, name));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL expects two str values');
          this.push(this.global(module, name));
          break;
        }
        case OP.REDUCE: {
          const args = this.pop();
          const callable = this.pop();
          this.push(this.reduce(callable, args));
          break;
        }
        case OP.NEWOBJ: {
          const args = this.pop();
          const cls = this.pop();
          this.push(this.newObj(cls, args));
          break;
        }
        case OP.NEWOBJ_EX: {
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (!isDict(kwargs) || kwargs.size > 0) this.fail('NEWOBJ_EX with keyword arguments is not supported');
          this.push(this.newObj(cls, args));
          break;
        }
        case OP.BUILD: {
          const state = this.pop();
          this.build(this.top(), state);
          break;
        }
        case OP.PERSID:
          this.push(this.persistent(this.line()));
          break;
        case OP.BINPERSID:
          this.push(this.persistent(this.pop()));
          break;
        default: {
          const known = OPCODE_BY_CODE.get(code);
          if (known) this.fail(`opcode ${known.name} (0x${code.toString(16)}) is not supported`);
          this.fail(`unknown opcode 0x${code.toString(16).padStart(2, '0')}`);
        }
      }
    }
  }
}

/** Reads one pickle that starts at byte `start` of `data`; returns its value and the offset after STOP. */
export function readPickleAt(data: Uint8Array, start: number, opts: ReadPickleOptions = {}): PickleReadResult {
  return new Unpickler(data, start, opts).run();
}

/** Reads a pickle safely: only allow-listed globals are built, nothing from the data is imported or run. */
export function readPickle(data: Uint8Array, opts: ReadPickleOptions = {}): PickleValue {
  return readPickleAt(data, 0, opts).value;
}
