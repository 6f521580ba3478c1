// The pickle VM against Python: values pickled by CPython at protocols 0-5 must read back as CPython holds them.
import { describe, expect, it } from 'vitest';
import { OPCODES, OP, PickleError, PyObject, PyOrderedDict, readPickle, readPickleAt } from '../src/pickle';
import { EXPECTED, canonical, fixtureBytes } from './pickle-fixtures';

/** Builds a pickle from opcode names and raw argument bytes. */
function bytesOf(...parts: (number | number[] | string)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const ch of Buffer.from(p, 'latin1')) out.push(ch);
    else out.push(...p);
  }
  return new Uint8Array(out);
}

describe('pickle opcode table', () => {
  it('matches CPython pickletools: the same names with the same byte values', () => {
    const table = Object.fromEntries(OPCODES.map((o) => [o.name, o.code]));
    expect(table).toEqual(EXPECTED.opcodes);
    for (const o of OPCODES) expect(OP[o.name as keyof typeof OP]).toBe(o.code);
  });
});

describe('readPickle on CPython pickles', () => {
  for (let proto = 0; proto <= 5; proto++) {
    it(`reads protocol ${proto} values as CPython wrote them`, () => {
      const v = readPickle(fixtureBytes(`values_proto${proto}.pkl`), { source: `values_proto${proto}.pkl` });
      expect(canonical(v)).toEqual(EXPECTED.values);
    });
  }

  it('keeps memoised objects shared (one list referenced twice is one JS array)', () => {
    const v = readPickle(fixtureBytes('values_proto2.pkl')) as Map<string, unknown>;
    const shared = v.get('shared') as unknown[];
    expect(shared[0]).toBe(shared[1]);
    expect(v.get('od')).toBeInstanceOf(PyOrderedDict);
  });
});

describe('readPickle by hand-built opcodes', () => {
  it('reads frames, STACK_GLOBAL-free data and MEMOIZE at protocol 4', () => {
    // PROTO 4, FRAME n, EMPTY_LIST, MEMOIZE, MARK, BININT1 7, BINGET 0 (the list itself), APPENDS, STOP
    const body = bytesOf(OP.EMPTY_LIST, OP.MEMOIZE, OP.MARK, OP.BININT1, 7, OP.BININT2, [0x34, 0x12], OP.APPENDS, OP.STOP);
    const frame = new Uint8Array(8);
    new DataView(frame.buffer).setBigUint64(0, BigInt(body.length), true);
    const v = readPickle(bytesOf(OP.PROTO, 4, OP.FRAME, [...frame], [...body]));
    expect(v).toEqual([7, 0x1234]);
  });

  it('reads several pickles back to back with readPickleAt', () => {
    const data = bytesOf(OP.PROTO, 2, OP.BININT1, 5, OP.STOP, OP.PROTO, 2, OP.NONE, OP.STOP);
    const a = readPickleAt(data, 0);
    expect(a).toEqual({ value: 5, end: 5 });
    expect(readPickleAt(data, a.end)).toEqual({ value: null, end: data.length });
  });

  it('refuses an unknown opcode, naming the byte and the source', () => {
    const data = bytesOf(OP.PROTO, 2, 0xff, OP.STOP);
    expect(() => readPickle(data, { source: 'bad.pkl' })).toThrow(PickleError);
    expect(() => readPickle(data, { source: 'bad.pkl' })).toThrow(/bad\.pkl: unknown opcode 0xff \(at byte 2\)/);
  });

  it('refuses a known but unsupported opcode by name', () => {
    expect(() => readPickle(bytesOf(OP.PROTO, 2, OP.EXT1, 1, OP.STOP))).toThrow(/opcode EXT1 \(0x82\) is not supported/);
  });

  it('refuses truncated data at every cut of a real pickle', () => {
    const full = fixtureBytes('values_proto2.pkl');
    for (let cut = 0; cut < full.length; cut += 7) {
      expect(() => readPickle(full.subarray(0, cut), { source: 'cut.pkl' })).toThrow(/cut\.pkl: (truncated|stack underflow|no MARK)/);
    }
  });

  it('refuses a persistent id when no persistent_load is given', () => {
    expect(() => readPickle(bytesOf(OP.PROTO, 2, OP.BININT1, 1, OP.BINPERSID, OP.STOP))).toThrow(/persistent id int found but no persistent_load/);
  });

  it('refuses a memo key that was never stored', () => {
    expect(() => readPickle(bytesOf(OP.PROTO, 2, OP.BINGET, 3, OP.STOP))).toThrow(/memo key 3 was never stored/);
  });

  it('refuses protocols beyond 5', () => {
    expect(() => readPickle(bytesOf(OP.PROTO, 6, OP.NONE, OP.STOP))).toThrow(/unsupported pickle protocol 6/);
  });

  it('applies BUILD state as pickle does: a __dict__, a (dict, slots) pair, or other state kept whole', () => {
    const obj = (state: number[]): PyObject =>
      readPickle(bytesOf(OP.PROTO, 2, OP.GLOBAL, 'torch.nn.modules.x\nY\n', OP.EMPTY_TUPLE, OP.NEWOBJ, state, OP.BUILD, OP.STOP)) as PyObject;
    const a = obj([OP.NONE, OP.EMPTY_DICT, OP.SHORT_BINUNICODE, 1, 0x61, OP.BININT1, 1, OP.SETITEM, OP.TUPLE2]);
    expect([...a.attributes]).toEqual([['a', 1]]);
    expect(a.otherState).toEqual([]);
    const b = obj([OP.BININT1, 1, OP.BININT1, 2, OP.TUPLE2]);
    expect(b.attributes.size).toBe(0);
    expect(b.otherState).toEqual([[1, 2]]);
  });
});
