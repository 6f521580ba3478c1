# Golden values of torch.nn.functional.max_pool2d with dilation and ceil_mode (float64): values, argmax indices
# and the input gradient for a fixed upstream gradient, written to packages/autograd/test/fixtures/max-pool2d-golden.json:
#   /usr/bin/python3 tools/golden/gen_max_pool2d.py
import json, os, torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
# (name, N, C, H, W, kernel, stride, padding, dilation, ceil_mode, ties)
CASES = [
    ('k3-s2-ceil', 1, 2, 7, 6, 3, 2, 0, 1, True, False),
    ('k3-s2-p1-ceil', 2, 1, 8, 5, 3, 2, 1, 1, True, False),
    ('k2-s2-ceil-odd', 1, 2, 5, 7, 2, 2, 0, 1, True, False),
    ('k3-s3-p1-ceil', 1, 1, 7, 7, 3, 3, 1, 1, True, False),
    ('k2-s3-p1-ceil-drop-last', 1, 2, 4, 7, 2, 3, 1, 1, True, False),
    ('k2-s1-d2', 1, 2, 6, 7, 2, 1, 0, 2, False, False),
    ('k3-s2-p1-d2', 2, 1, 9, 8, [3, 2], [2, 1], [1, 1], [2, 3], False, False),
    ('k3-s2-p1-d2-ceil', 1, 2, 8, 9, 3, 2, 1, 2, True, False),
    ('k2-s2-p1-d3-ceil-rect', 1, 1, 10, 7, [2, 3], [2, 3], [1, 0], [3, 2], True, False),
    ('k3-s2-d2-ceil-ties', 1, 2, 9, 9, 3, 2, 1, 2, True, True),
]
out = []
g = torch.Generator().manual_seed(18)
for name, n, c, h, w, k, s, p, d, ceil, ties in CASES:
    if ties:
        x = torch.randint(0, 3, (n, c, h, w), generator=g).to(torch.float64)
    else:
        x = torch.randperm(n * c * h * w, generator=g).to(torch.float64).reshape(n, c, h, w) / 10 - 3
    x.requires_grad_(True)
    y, idx = F.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
    gy = torch.randn(y.shape, generator=g)
    y.backward(gy)
    out.append({
        'name': name, 'shape': [n, c, h, w], 'kernelSize': k, 'stride': s, 'padding': p, 'dilation': d, 'ceilMode': ceil,
        'x': x.detach().flatten().tolist(), 'outShape': list(y.shape), 'y': y.detach().flatten().tolist(),
        'indices': idx.flatten().tolist(), 'gy': gy.flatten().tolist(), 'gx': x.grad.flatten().tolist(),
    })
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'autograd', 'test', 'fixtures', 'max-pool2d-golden.json')
with open(path, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': out}, f, separators=(',', ':'))
