#!/usr/bin/python3
"""PyTorch's side of the torch.save writer's test (apps/train/test/convert-pth.test.ts). Run with the
interpreter that has torch 1.13 (/usr/bin/python3); it writes nothing into fixtures/:

  torch_save_check.py read IN.pth OUT.safetensors
      torch.load(IN, weights_only=True); it must be an OrderedDict of tensors; writes them (dtypes kept) as safetensors.
  torch_save_check.py logits IN.pth INPUT.safetensors OUT.safetensors DEPTH KIND
      cifar_resnet(DEPTH, kind=KIND).load_state_dict(torch.load(IN, weights_only=True), strict=True), eval mode,
      the logits of INPUT's tensor 'input' (float32), written as 'logits'.
  torch_save_check.py save IN.safetensors OUT.pth
      torch.save of IN's tensors as an OrderedDict (PyTorch's own writer), for the .pth -> ours -> .pth round trip.
  torch_save_check.py same A.pth B.pth
      loads both with weights_only=True; exits 1 naming the first key whose dtype, shape, stride or values differ.
"""
import collections
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from reference_resnet import cifar_resnet  # noqa: E402


def load_state_dict(path):
    sd = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(sd, collections.OrderedDict):
        raise SystemExit(f"{path}: expected an OrderedDict, torch.load returned {type(sd).__name__}")
    for k, v in sd.items():
        if not isinstance(k, str) or not isinstance(v, torch.Tensor):
            raise SystemExit(f"{path}: expected str -> Tensor entries, found {type(k).__name__} -> {type(v).__name__}")
    return sd


def main(argv):
    cmd = argv[0] if argv else ""
    if cmd == "read" and len(argv) == 3:
        safetensors_io.save(argv[2], load_state_dict(argv[1]))
    elif cmd == "logits" and len(argv) == 6:
        torch.manual_seed(0)
        model = cifar_resnet(int(argv[4]), kind=argv[5])
        model.load_state_dict(load_state_dict(argv[1]), strict=True)
        model.eval()
        x = safetensors_io.load(argv[2])[0]["input"].float()
        with torch.no_grad():
            safetensors_io.save(argv[3], {"logits": model(x)})
    elif cmd == "save" and len(argv) == 3:
        tensors = safetensors_io.load(argv[1])[0]
        torch.save(collections.OrderedDict(tensors), argv[2])
    elif cmd == "same" and len(argv) == 3:
        a, b = load_state_dict(argv[1]), load_state_dict(argv[2])
        if list(a) != list(b):
            raise SystemExit(f"keys differ: {list(a)} vs {list(b)}")
        for k in a:
            x, y = a[k], b[k]
            if x.dtype != y.dtype or x.shape != y.shape or x.stride() != y.stride() or not torch.equal(x, y):
                raise SystemExit(f"{k}: {x.dtype} {tuple(x.shape)} {x.stride()} vs {y.dtype} {tuple(y.shape)} {y.stride()}, equal values: {torch.equal(x, y) if x.shape == y.shape else False}")
        print(f"same: {len(a)} tensors identical")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
