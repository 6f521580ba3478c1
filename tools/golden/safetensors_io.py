"""A small safetensors reader and writer for the golden generator (Debian has no python3-safetensors).

Format: u64 little-endian header length, a JSON header space-padded to a multiple of 8, then the
raw little-endian tensor bytes, tiled without gaps in header order. `__metadata__` maps str -> str.
"""
import json
import os
import struct

import torch

_TO_FILE = {
    torch.float32: "F32",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.uint8: "U8",
    torch.bool: "BOOL",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
}
_FROM_FILE = {v: k for k, v in _TO_FILE.items()}


class SafetensorsError(ValueError):
    """A malformed safetensors file; the message names the file."""


def encode(tensors, metadata=None):
    """Returns the bytes of a safetensors file holding `tensors` (name -> torch.Tensor) in order."""
    header = {}
    if metadata:
        for k, v in metadata.items():
            if not isinstance(v, str):
                raise SafetensorsError(f"metadata value of {k!r} must be a string, got {type(v).__name__}")
        header["__metadata__"] = dict(metadata)
    chunks = []
    offset = 0
    for name, t in tensors.items():
        if t.dtype not in _TO_FILE:
            raise SafetensorsError(f"tensor {name!r}: unsupported dtype {t.dtype}")
        t = t.detach().contiguous().cpu()
        raw = t.view(torch.uint8).numpy().tobytes() if t.numel() > 0 and t.dim() > 0 else _scalar_bytes(t)
        header[name] = {"dtype": _TO_FILE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def _scalar_bytes(t):
    """Bytes of a 0-d or empty tensor (view(uint8) refuses 0-d tensors of wider dtypes)."""
    if t.numel() == 0:
        return b""
    return t.reshape(1).view(torch.uint8).numpy().tobytes()


def save(path, tensors, metadata=None):
    """Writes a safetensors file atomically (temporary file, then rename)."""
    data = encode(tensors, metadata)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def decode(data, source="<bytes>"):
    """Parses safetensors bytes into (tensors: dict name -> torch.Tensor, metadata: dict)."""
    if len(data) < 8:
        raise SafetensorsError(f"{source}: truncated ({len(data)} bytes)")
    (hl,) = struct.unpack("<Q", data[:8])
    if hl > len(data) - 8:
        raise SafetensorsError(f"{source}: header length {hl} is longer than the file")
    try:
        header = json.loads(data[8 : 8 + hl].decode("utf-8"))
    except ValueError as e:
        raise SafetensorsError(f"{source}: header is not valid JSON ({e})") from None
    metadata = header.pop("__metadata__", {}) or {}
    body = data[8 + hl :]
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    pos = 0
    tensors = {}
    for name, e in entries:
        dtype = e["dtype"]
        if dtype not in _FROM_FILE:
            raise SafetensorsError(f"{source}: tensor {name!r} has unknown dtype {dtype!r}")
        begin, end = e["data_offsets"]
        if begin != pos:
            raise SafetensorsError(f"{source}: tensor {name!r} begins at {begin}, expected {pos} (gap or overlap)")
        if end > len(body):
            raise SafetensorsError(f"{source}: tensor {name!r} runs past the end of the data (truncated)")
        tdtype = _FROM_FILE[dtype]
        numel = 1
        for d in e["shape"]:
            numel *= d
        itemsize = torch.empty((), dtype=tdtype).element_size()
        if end - begin != numel * itemsize:
            raise SafetensorsError(f"{source}: tensor {name!r} spans {end - begin} bytes, needs {numel * itemsize}")
        raw = bytearray(body[begin:end])
        flat = torch.frombuffer(raw, dtype=tdtype) if numel > 0 else torch.empty(0, dtype=tdtype)
        tensors[name] = flat.reshape(e["shape"]).clone()
        pos = end
    if pos != len(body):
        raise SafetensorsError(f"{source}: {len(body) - pos} unreferenced bytes after the last tensor")
    # restore header order (the order the writer used)
    ordered = {name: tensors[name] for name in header}
    return ordered, metadata


def load(path):
    """Reads a safetensors file into (tensors, metadata)."""
    with open(path, "rb") as f:
        return decode(f.read(), path)


if __name__ == "__main__":
    # Round-trip helper for the TypeScript interop test: read IN, add 1 to every float tensor,
    # negate every integer tensor, add F16/BF16/BOOL tensors, tag the metadata, write OUT.
    import sys

    src, dst = sys.argv[1], sys.argv[2]
    ts, md = load(src)
    out = {}
    for k, t in ts.items():
        if t.is_floating_point():
            out[k] = t + 1
        elif t.dtype in (torch.int64, torch.int32):
            out[k] = -t
        else:
            out[k] = t
    out["extra.f16"] = torch.tensor([1.0, -2.5, 0.1, 65504.0]).half()
    out["extra.bf16"] = torch.tensor([1.5, -3.0, 0.1]).bfloat16()
    out["extra.bool"] = torch.tensor([True, False, True])
    md = dict(md)
    md["python"] = "seen"
    md["dtypes"] = ",".join(f"{k}:{_TO_FILE[t.dtype]}" for k, t in ts.items())
    save(dst, out, md)
