#!/usr/bin/python3
"""Writes the small PyTorch checkpoint fixtures under fixtures/pth/ and their expected values (issue 7).

Run with the interpreter that has torch 1.13:  /usr/bin/python3 tools/golden/gen_pth.py
Every expected value in the sidecar JSON files is taken from the same tensors that were saved, so the
TypeScript tests compare against what PyTorch itself holds. Hand-built pickles (forbidden globals, a
storage too short for its tensor) are written with plain pickle opcodes; nothing in them is ever run.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'fixtures', 'pth')
OFFICIAL = os.path.join(ROOT, '..', 'shared', 'checkpoints', 'ResNet20-AdderNet.pth')


def describe(t):
    """Shape, dtype and row-major values of a tensor, as the tests expect them."""
    flat = t.detach().contiguous().reshape(-1)
    if t.dtype in (torch.float16, torch.bfloat16):
        flat = flat.float()
    return {
        'shape': list(t.shape),
        'dtype': str(t.dtype).replace('torch.', ''),
        'stride': list(t.stride()),
        'storage_offset': t.storage_offset(),
        'values': [v.item() if not isinstance(v.item(), bool) else int(v.item()) for v in flat],
    }


def basic_state():
    g = torch.Generator().manual_seed(7)
    base = torch.arange(12, dtype=torch.float32) * 0.5 - 2.0  # one storage, two views below
    sd = collections.OrderedDict()
    sd['f32'] = torch.randn(3, 4, generator=g)
    sd['f64'] = torch.randn(2, 3, generator=g, dtype=torch.float64)
    sd['i64'] = torch.tensor([0, -5, 2**31 - 1, -2**31, 123456789], dtype=torch.int64)
    sd['i32'] = torch.tensor([[1, -2], [3, 2**31 - 1]], dtype=torch.int32)
    sd['u8'] = torch.tensor([0, 7, 255], dtype=torch.uint8)
    sd['f16'] = torch.tensor([1.0, -2.5, 65504.0, 6.1035e-05, 5.96e-08, 0.0], dtype=torch.float16)
    sd['flags'] = torch.tensor([True, False, True])
    sd['count'] = torch.tensor(1234567, dtype=torch.int64)  # a 0-d int64, like num_batches_tracked
    sd['transposed'] = torch.randn(3, 5, generator=g).t()  # stride (1, 5): non-contiguous
    sd['shared_a'] = base[2:8].view(2, 3)  # offset 2
    sd['shared_b'] = base.view(3, 4)[:, 1]  # offset 1, stride 4
    assert not sd['transposed'].is_contiguous()
    assert sd['shared_a'].storage().data_ptr() == sd['shared_b'].storage().data_ptr()
    return sd


class TinyAdder(nn.Module):
    """A module class of 'our own' (pickled as __main__.TinyAdder) with a parameter and a non-persistent buffer."""

    def __init__(self):
        super().__init__()
        self.adder = nn.Parameter(torch.randn(2, 2, 1, 1, generator=torch.Generator().manual_seed(3)))
        self.register_buffer('scratch', torch.zeros(4), persistent=False)

    def forward(self, x):
        return x


def small_module():
    torch.manual_seed(11)
    net = nn.Sequential(
        nn.Conv2d(1, 2, 3, bias=False),
        nn.BatchNorm2d(2),
        nn.ReLU(),
        TinyAdder(),
        nn.Flatten(),
        nn.Linear(8, 3),
    )
    with torch.no_grad():
        net[1].running_mean.copy_(torch.tensor([0.25, -0.5]))
        net[1].running_var.copy_(torch.tensor([1.5, 2.0]))
        net[1].num_batches_tracked.fill_(42)
    return net


def save(obj, name, legacy):
    path = os.path.join(OUT, name)
    torch.save(obj, path, _use_new_zipfile_serialization=not legacy)
    return path


def write_zip(path, entries):
    """A zip of stored entries, as torch writes them."""
    with zipfile.ZipFile(path, 'w', compression=zipfile.ZIP_STORED) as z:
        for n, data in entries:
            z.writestr(zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0)), data)  # fixed time: reproducible bytes


# ---- hand-built pickles (plain opcodes) ----

def forbidden_pickle_global():
    # PROTO 2; GLOBAL 'os system'; BINUNICODE cmd; TUPLE1; REDUCE; STOP  == os.system(cmd)
    cmd = b'touch /tmp/adder-pickle-was-executed'
    return b'\x80\x02' + b'cos\nsystem\n' + b'X' + struct.pack('<I', len(cmd)) + cmd + b'\x85R.'


def forbidden_pickle_stack_global():
    # Protocol 4: builtins.eval via STACK_GLOBAL, with a FRAME and MEMOIZE.
    body = (b'\x8c\x08builtins\x94\x8c\x04eval\x94\x93\x94'
            b'\x8c\x1a__import__("os").getpid()\x94\x85\x94R\x94.')
    return b'\x80\x04\x95' + struct.pack('<Q', len(body)) + body


def legacy_by_hand(path, numel, size, stride, offset=0, location='cpu'):
    """A legacy-format file whose one tensor claims size/stride/offset over a FloatStorage of `numel`."""
    class StoragePid:
        pass

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, StoragePid):
                return ('storage', torch.FloatStorage, '0', location, numel, None)
            return None

    class Rebuild:
        def __reduce__(self):
            return (torch._utils._rebuild_tensor_v2,
                    (StoragePid(), offset, tuple(size), tuple(stride), False, collections.OrderedDict()))

    f = io.BytesIO()
    for head in (0x1950a86a20f9469cfc6c, 1001, {'protocol_version': 1001, 'little_endian': True,
                                                'type_sizes': {'short': 2, 'int': 4, 'long': 8}}):
        pickle.dump(head, f, protocol=2)
    d = collections.OrderedDict([('w', Rebuild())])
    P(f, protocol=2).dump(d)
    pickle.dump(['0'], f, protocol=2)
    f.write(struct.pack('<q', numel))
    f.write(np.arange(numel, dtype='<f4').tobytes())
    with open(path, 'wb') as out:
        out.write(f.getvalue())


class Py2Pickler(pickle._Pickler):
    """Writes bytes the way Python 2 wrote str (SHORT_BINSTRING / BINSTRING), as cifar-10-batches-py holds them."""
    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack('<i', len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def cifar_like():
    rng = np.random.RandomState(5)
    return {
        'batch_label': 'training batch 1 of 5',
        'labels': [3, 1, 4, 1],
        'data': rng.randint(0, 256, size=(4, 12)).astype(np.uint8),
        'filenames': ['a.png', 'b.png', 'c.png', 'd.png'],
        'f32': rng.randn(2, 3).astype('<f4'),
        'f64_fortran': np.asfortranarray(rng.randn(2, 3)),
        'i64_big_endian': np.array([1, -2, 300], dtype='>i8'),
    }


def np_expected(d):
    out = {}
    for k, v in d.items():
        if isinstance(v, np.ndarray):
            out[k] = {'shape': list(v.shape), 'dtype': v.dtype.name, 'values': [x.item() for x in v.reshape(-1, order='C')]}
        else:
            out[k] = v
    return out


def plain_values():
    """Python values that exercise the pickle opcodes (ints of every width, floats, str, bytes, containers, memo)."""
    shared = [1, 2]
    return {
        'ints': [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31, 2**40, -2**53, 2**63 - 1, -2**63, 2**70, -(2**100)],
        'floats': [0.5, -1e300, 1.0 / 3.0, float('inf')],
        'strs': ['', 'h\u00e9llo \u20ac', 'x' * 300, 'line\nbreak \\ quote\''],
        'bytes': [b'', b'\x00\xff\x80', bytes(range(256)) * 2],
        'tuples': [(), (1,), (1, 2), (1, 2, 3), (1, (2, 3), 4, 5)],
        'bools': [True, False, None],
        'set': {3, 1, 2},
        'frozenset': frozenset({'a', 'b'}),
        'shared': [shared, shared],
        'nested': {'a': {'b': [1, {'c': ()}]}},
        'od': collections.OrderedDict([('z', 1), ('a', 2)]),
        'bytearray': bytearray(b'ab'),
    }


def canonical(v):
    """The JSON form the TypeScript test converts unpickled values into, to compare with these."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return v if abs(v) < 2**53 else {'int': str(v)}  # JS safe integers stay numbers
    if isinstance(v, float):
        return v if v == v and abs(v) != float('inf') else {'float': repr(v)}
    if isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray)):
        return {'bytes': v.hex()}
    if isinstance(v, tuple):
        return {'tuple': [canonical(x) for x in v]}
    if isinstance(v, list):
        return [canonical(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return {'set': sorted(canonical(x) for x in v)}
    if isinstance(v, dict):
        return {'dict': [[canonical(k), canonical(x)] for k, x in v.items()]}
    raise TypeError(type(v))


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {'torch_version': torch.__version__, 'files': {}}

    sd = basic_state()
    for name, legacy in (('basic_zip.pth', False), ('basic_legacy.pth', True)):
        save(sd, name, legacy)
        expected['files'][name] = {k: describe(v) for k, v in sd.items()}

    net = small_module()
    prefixed = nn.DataParallel(net).state_dict()
    assert all(k.startswith('module.') for k in prefixed)
    save(prefixed, 'prefixed_legacy.pth', True)
    expected['files']['prefixed_legacy.pth'] = {k: describe(v) for k, v in prefixed.items()}

    for name, legacy in (('module_zip.pth', False), ('module_legacy.pth', True)):
        save(net, name, legacy)
        expected['files'][name] = {k: describe(v) for k, v in net.state_dict().items()}

    # Truncated in the middle (inside the storages for zip; inside the main pickle for legacy).
    for src, dst, frac in (('basic_zip.pth', 'truncated_zip.pth', 0.5), ('basic_legacy.pth', 'truncated_legacy.pth', 0.3)):
        data = open(os.path.join(OUT, src), 'rb').read()
        open(os.path.join(OUT, dst), 'wb').write(data[: int(len(data) * frac)])

    # Forbidden globals: raw pickles, and the first one inside a torch-style zip.
    open(os.path.join(OUT, 'forbidden_os_system.pkl'), 'wb').write(forbidden_pickle_global())
    open(os.path.join(OUT, 'forbidden_eval_proto4.pkl'), 'wb').write(forbidden_pickle_stack_global())
    write_zip(os.path.join(OUT, 'forbidden_zip.pth'),
              [('forbidden_zip/data.pkl', forbidden_pickle_global()), ('forbidden_zip/version', b'3\n')])

    # A zip without data.pkl.
    write_zip(os.path.join(OUT, 'no_data_pkl.pth'), [('archive/version', b'3\n'), ('archive/data/0', b'\0' * 16)])

    # Storage data shorter than the storage (zip entry rewritten with 8 of 32 bytes).
    short = torch.arange(8, dtype=torch.float32)
    save({'w': short}, 'short_storage_zip.pth', False)
    with zipfile.ZipFile(os.path.join(OUT, 'short_storage_zip.pth')) as z:
        entries = [(n, z.read(n)) for n in z.namelist()]
    entries = [(n, d[:8] if n.endswith('/data/0') else d) for n, d in entries]
    write_zip(os.path.join(OUT, 'short_storage_zip.pth'), entries)

    # A tensor of 8 elements over a storage of 6 (legacy, hand-built).
    legacy_by_hand(os.path.join(OUT, 'tensor_past_storage_legacy.pth'), 6, (2, 4), (4, 1))
    # And a valid hand-built one with an offset and a cuda:0 location (loads to the CPU), as the official file has.
    legacy_by_hand(os.path.join(OUT, 'hand_legacy.pth'), 6, (2, 2), (1, 2), offset=1, location='cuda:0')
    expected['files']['hand_legacy.pth'] = {'w': describe(torch.arange(6, dtype=torch.float32).as_strided((2, 2), (1, 2), 1))}

    # numpy pickles in the shape of torchvision's cifar-10-batches-py.
    cif = cifar_like()
    np_exp = {}
    for proto in (2, 4, 5):
        name = f'numpy_proto{proto}.pkl'
        open(os.path.join(OUT, name), 'wb').write(pickle.dumps(cif, protocol=proto))
        np_exp[name] = np_expected(cif)
    f = io.BytesIO()
    py2 = {k.encode(): (v.encode() if isinstance(v, str) else [x.encode() for x in v] if k == 'filenames' else v)
           for k, v in cif.items()}
    Py2Pickler(f, protocol=2).dump(py2)
    open(os.path.join(OUT, 'numpy_py2_style.pkl'), 'wb').write(f.getvalue())
    np_exp['numpy_py2_style.pkl'] = np_expected(cif)
    expected['numpy'] = np_exp

    # Plain Python values at every protocol (0 and 1 too: their text opcodes are read as well).
    vals = plain_values()
    for proto in range(0, 6):
        open(os.path.join(OUT, f'values_proto{proto}.pkl'), 'wb').write(pickle.dumps(vals, protocol=proto))
    expected['values'] = canonical(vals)
    import pickletools
    expected['opcodes'] = {o.name: ord(o.code) for o in pickletools.opcodes}

    # An int64 outside the int32 range that int64 tensors load as.
    save({'big': torch.tensor([1, 2**40], dtype=torch.int64)}, 'long_out_of_range_legacy.pth', True)

    with open(os.path.join(OUT, 'expected.json'), 'w') as fh:
        json.dump(expected, fh, indent=1, sort_keys=False)
        fh.write('\n')

    if os.path.exists(OFFICIAL):
        off = torch.load(OFFICIAL, map_location='cpu')
        rec = {'file': 'ResNet20-AdderNet.pth', 'count': len(off), 'keys': {}}
        for k, v in off.items():
            flat = v.reshape(-1)
            rec['keys'][k] = {
                'shape': list(v.shape),
                'dtype': str(v.dtype).replace('torch.', ''),
                'stride': list(v.stride()),
                'sum': v.double().sum().item(),
                'first': [x.item() for x in flat[:4]],
                'last': flat[-1].item(),
            }
        with open(os.path.join(OUT, 'official_expected.json'), 'w') as fh:
            json.dump(rec, fh, indent=1)
            fh.write('\n')
    else:
        print('official checkpoint absent; official_expected.json left as is', file=sys.stderr)


if __name__ == '__main__':
    main()
