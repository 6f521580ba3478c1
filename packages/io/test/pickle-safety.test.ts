// The allow-list: forbidden globals are refused by name before anything could run; allowed ones stay inert.
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OP, PickleError, PyObject, readPickle, resolveGlobal } from '../src/pickle';
import { CheckpointError, loadTorchCheckpoint } from '../src/torch-checkpoint';
import { fixture, fixtureBytes } from './pickle-fixtures';

// forbidden_os_system.pkl is os.system('touch <MARKER>') in plain opcodes (tools/golden/gen_pth.py).
const MARKER = '/tmp/adder-pickle-was-executed';

function globalPickle(module: string, name: string, arg: number[] = [OP.EMPTY_TUPLE]): Uint8Array {
  return new Uint8Array([OP.PROTO, 2, OP.GLOBAL, ...Buffer.from(`${module}\n${name}\n`, 'latin1'), ...arg, OP.REDUCE, OP.STOP]);
}

describe('forbidden globals', () => {
  it('refuses os.system by name and runs nothing', () => {
    rmSync(MARKER, { force: true });
    const data = fixtureBytes('forbidden_os_system.pkl');
    expect(() => readPickle(data, { source: 'forbidden_os_system.pkl' })).toThrow(PickleError);
    expect(() => readPickle(data, { source: 'forbidden_os_system.pkl' })).toThrow(/forbidden_os_system\.pkl: forbidden global os\.system/);
    expect(() => readPickle(data, { numpy: true })).toThrow(/forbidden global os\.system/);
    expect(existsSync(MARKER)).toBe(false);
  });

  it('refuses builtins.eval reached through STACK_GLOBAL at protocol 4', () => {
    expect(() => readPickle(fixtureBytes('forbidden_eval_proto4.pkl'))).toThrow(/forbidden global builtins\.eval/);
  });

  it('refuses os.system inside a torch zip checkpoint, naming the file', () => {
    const f = fixture('forbidden_zip.pth');
    expect(() => loadTorchCheckpoint(f)).toThrow(CheckpointError);
    expect(() => loadTorchCheckpoint(f)).toThrow(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: forbidden global os\\.system`));
    expect(existsSync(MARKER)).toBe(false);
  });

  it('refuses the usual escape hatches by the name the file uses, and maps __builtin__ to builtins', () => {
    for (const [m, n] of [['posix', 'system'], ['subprocess', 'Popen'], ['builtins', 'exec'], ['__builtin__', 'eval'], ['builtins', 'getattr'], ['copyreg', '_reconstructor'], ['torch', 'load'], ['numpy', 'load']]) {
      expect(() => readPickle(globalPickle(m!, n!), { numpy: true })).toThrow(`forbidden global ${m}.${n}:`);
    }
    expect(readPickle(globalPickle('__builtin__', 'set', [OP.EMPTY_LIST, OP.TUPLE1]))).toEqual(new Set());
    // bytes([1, 300]) and bytes([-1]): Python refuses both; no silent wrap-around
    const bytesOf = (ints: number[]): Uint8Array => globalPickle('builtins', 'bytes', [OP.MARK, ...ints.flatMap((v) => [OP.BININT, ...new Uint8Array(new Int32Array([v]).buffer)]), OP.LIST, OP.TUPLE1]);
    expect(readPickle(bytesOf([1, 255]))).toEqual(new Uint8Array([1, 255]));
    expect(() => readPickle(bytesOf([1, 300]))).toThrow(/bytes expects ints in \[0, 255\], got 300 at index 1/);
    expect(() => readPickle(bytesOf([-1]))).toThrow(/bytes expects ints in \[0, 255\], got -1 at index 0/);
  });

  it('allows numpy only on request', () => {
    expect(resolveGlobal('numpy', 'dtype', {})).toBeUndefined();
    expect(resolveGlobal('numpy', 'dtype', { numpy: true })).toBeDefined();
    expect(() => readPickle(fixtureBytes('numpy_proto2.pkl'))).toThrow(/forbidden global numpy\.core\.multiarray\._reconstruct/);
  });

  it('reads torch.nn module classes and listed classes as inert objects, other classes not at all', () => {
    // NEWOBJ of torch.nn.modules.linear.Linear with no args, then BUILD with {'training': True}.
    const linear = new Uint8Array([
      OP.PROTO, 2, OP.GLOBAL, ...Buffer.from('torch.nn.modules.linear\nLinear\n', 'latin1'), OP.EMPTY_TUPLE, OP.NEWOBJ,
      OP.EMPTY_DICT, OP.SHORT_BINUNICODE, 8, ...Buffer.from('training'), OP.NEWTRUE, OP.SETITEM, OP.BUILD, OP.STOP,
    ]);
    const obj = readPickle(linear);
    expect(obj).toBeInstanceOf(PyObject);
    expect((obj as PyObject).className).toBe('torch.nn.modules.linear.Linear');
    expect((obj as PyObject).attributes.get('training')).toBe(true);
    const mine = globalPickle('resnet20', 'ResNet');
    expect(() => readPickle(mine)).toThrow(/forbidden global resnet20\.ResNet.*inertClasses: \['resnet20\.ResNet'\]/);
    expect(readPickle(mine, { inertClasses: ['resnet20.ResNet'] })).toBeInstanceOf(PyObject);
    expect(readPickle(mine, { inertClasses: ['resnet20.*'] })).toBeInstanceOf(PyObject);
    expect(() => readPickle(mine, { inertClasses: ['resnet2.*', 'resnet20.Res'] })).toThrow(/forbidden global resnet20\.ResNet/);
  });

  it('allows _codecs.encode only as the latin1 conversion protocol 2 uses for bytes', () => {
    const enc = (encoding: string): Uint8Array =>
      new Uint8Array([
        OP.PROTO, 2, OP.GLOBAL, ...Buffer.from('_codecs\nencode\n'), OP.SHORT_BINUNICODE, 2, 0xc3, 0xbf,
        OP.SHORT_BINUNICODE, encoding.length, ...Buffer.from(encoding), OP.TUPLE2, OP.REDUCE, OP.STOP,
      ]);
    expect(readPickle(enc('latin1'))).toEqual(new Uint8Array([0xff]));
    expect(() => readPickle(enc('rot13'), { source: 'x.pkl' })).toThrow(/x\.pkl: _codecs\.encode: _codecs\.encode is only allowed with the latin1 encoding, got rot13/);
  });

  it('refuses calling a global that is allowed only as a name (a storage type)', () => {
    expect(() => readPickle(globalPickle('torch', 'FloatStorage'))).toThrow(/global torch\.FloatStorage is allowed as a name but cannot be called/);
  });
});
