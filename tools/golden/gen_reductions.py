# Golden values of torch's norm, std, prod, cumsum, max/min along a dim (values and indices, ties included),
# max/min over everything and amax/amin (ties share the gradient), in float64: the result, the indices where
# there are some, and the input gradient for a fixed upstream gradient. Written to
# packages/autograd/test/fixtures/reductions-golden.json:
#   /usr/bin/python3 tools/golden/gen_reductions.py
import json, math, os, torch

torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(1813)

def randn(*shape):
    return torch.randn(shape, generator=g)

def lattice(*shape):
    # values in {-1.5, -1, ..., 1.5}: ties and exact zeros
    return torch.randint(-3, 4, shape, generator=g).to(torch.float64) / 2

def with_zero_rows(*shape):
    # a randn tensor whose first row (along dim 0) is all zeros and whose second row has one zero
    x = randn(*shape)
    x[0] = 0
    x[1].view(-1)[0] = 0
    return x

def constant_rows(*shape):
    # rows constant along the last dim (std 0 there), and one ordinary row
    x = randn(*shape[:-1], 1).expand(*shape).clone()
    x.view(-1, shape[-1])[-1] = randn(shape[-1])
    return x

def prod_zeros(*shape):
    # rows along dim 1 with no zero, one zero and two zeros
    x = randn(*shape) * 0.8 + 0.2
    x[:, 1, 0] = 0
    x[:, 2, 0] = 0
    x[:, 2, -1] = 0
    return x

INF = float('inf')
# (name, op, args, input)
CASES = [
    ('norm-2-all', 'norm', {'p': 2}, randn(3, 4, 5)),
    ('norm-fro-dim1', 'norm', {'p': 'fro', 'dim': [1]}, randn(3, 4, 5)),
    ('norm-fro-2dims-keepdim', 'norm', {'p': 'fro', 'dim': [0, 2], 'keepdim': True}, randn(3, 4, 5)),
    ('norm-2-zero-rows', 'norm', {'p': 2, 'dim': [1, 2]}, with_zero_rows(3, 4, 5)),
    ('norm-1-zeros', 'norm', {'p': 1, 'dim': [2]}, lattice(3, 4, 5)),
    ('norm-inf-ties', 'norm', {'p': INF, 'dim': [1]}, lattice(3, 4, 5)),
    ('norm--inf-ties', 'norm', {'p': -INF, 'dim': [2], 'keepdim': True}, lattice(3, 4, 5)),
    ('norm-inf-zero-rows', 'norm', {'p': INF, 'dim': [1, 2]}, with_zero_rows(3, 4, 5)),
    ('norm-3-zero-rows', 'norm', {'p': 3, 'dim': [1, 2]}, with_zero_rows(3, 4, 5)),
    ('norm-1.5-zero-rows', 'norm', {'p': 1.5, 'dim': [2]}, with_zero_rows(3, 4, 5)),
    ('norm-0.5-zeros', 'norm', {'p': 0.5, 'dim': [2]}, lattice(3, 4, 5)),
    ('norm-0.5-zero-rows', 'norm', {'p': 0.5, 'dim': [1, 2]}, with_zero_rows(3, 4, 5)),
    ('norm-0', 'norm', {'p': 0, 'dim': [0, 1]}, lattice(3, 4, 5)),
    ('norm-4-all', 'norm', {'p': 4}, randn(2, 3, 4)),
    ('std-all', 'std', {}, randn(3, 4, 5)),
    ('std-dim-biased', 'std', {'dim': [1], 'unbiased': False}, randn(3, 4, 5)),
    ('std-2dims-keepdim', 'std', {'dim': [0, 2], 'keepdim': True}, randn(3, 4, 5)),
    ('std-correction-2', 'std', {'dim': [2], 'correction': 2}, randn(3, 4, 5)),
    ('std-constant-rows', 'std', {'dim': [2]}, constant_rows(3, 4, 5)),
    ('prod-all', 'prod', {}, randn(2, 3, 2) * 0.5 + 1),
    ('prod-dim1-zeros', 'prod', {'dim': 1}, prod_zeros(2, 4, 3).transpose(1, 2).contiguous().transpose(1, 2)),
    ('prod-dim2-zeros-keepdim', 'prod', {'dim': 2, 'keepdim': True}, prod_zeros(2, 4, 3).transpose(1, 2).contiguous()),
    ('prod-all-one-zero', 'prod', {}, torch.tensor([[2.0, -1.5, 0.0], [0.5, 3.0, -2.0]])),
    ('prod-all-two-zeros', 'prod', {}, torch.tensor([[2.0, 0.0, 0.0], [0.5, 3.0, -2.0]])),
    ('cumsum-dim0', 'cumsum', {'dim': 0}, randn(3, 4, 5)),
    ('cumsum-dim-1', 'cumsum', {'dim': -1}, randn(3, 4, 5)),
    ('cumsum-dim1', 'cumsum', {'dim': 1}, randn(3, 4, 5)),
    ('max-dim1-ties', 'maxDim', {'dim': 1}, lattice(3, 6, 5)),
    ('max-dim-1-ties-keepdim', 'maxDim', {'dim': -1, 'keepdim': True}, lattice(4, 3, 40)),
    ('min-dim0-ties', 'minDim', {'dim': 0}, lattice(6, 4, 5)),
    ('min-dim2-ties-long', 'minDim', {'dim': 2}, lattice(2, 3, 70)),
    ('max-all-ties', 'max', {}, lattice(3, 4, 5)),
    ('min-all-ties', 'min', {}, lattice(3, 4, 5)),
    ('amax-2dims-ties', 'amax', {'dim': [0, 2]}, lattice(3, 4, 5)),
    ('amin-dim1-ties-keepdim', 'amin', {'dim': [1], 'keepdim': True}, lattice(3, 4, 5)),
    ('amax-all', 'amax', {'dim': []}, lattice(3, 4, 5)),
]

def run(op, a, x):
    if op == 'norm':
        return torch.norm(x, p=a['p'], dim=a.get('dim'), keepdim=a.get('keepdim', False)), None
    if op == 'std':
        dim = a.get('dim')
        if 'correction' in a:
            return torch.std(x, dim, correction=a['correction'], keepdim=a.get('keepdim', False)), None
        if dim is None:
            return torch.std(x, unbiased=a.get('unbiased', True)), None
        return torch.std(x, dim, unbiased=a.get('unbiased', True), keepdim=a.get('keepdim', False)), None
    if op == 'prod':
        return (torch.prod(x) if 'dim' not in a else torch.prod(x, a['dim'], keepdim=a.get('keepdim', False))), None
    if op == 'cumsum':
        return torch.cumsum(x, a['dim']), None
    if op in ('maxDim', 'minDim'):
        r = (torch.max if op == 'maxDim' else torch.min)(x, a['dim'], keepdim=a.get('keepdim', False))
        return r.values, r.indices
    if op in ('max', 'min'):
        return (torch.max if op == 'max' else torch.min)(x), None
    if op in ('amax', 'amin'):
        return (torch.amax if op == 'amax' else torch.amin)(x, a['dim'], keepdim=a.get('keepdim', False)), None
    raise ValueError(op)

def num(v):
    v = float(v)
    assert math.isfinite(v), 'JSON holds finite values only'
    return v

def args_json(a):
    # Infinity is not JSON: p = +-inf is written as the strings 'inf' / '-inf'
    return {k: ('inf' if v == INF else '-inf' if v == -INF else v) for k, v in a.items()}

out = []
for name, op, a, x in CASES:
    x = x.clone().requires_grad_(True)
    y, idx = run(op, a, x)
    gy = randn(*y.shape)
    y.backward(gy)
    gx = x.grad if x.grad is not None else torch.zeros_like(x)  # torch leaves the p = 0 norm's gradient undefined: zero
    out.append({
        'name': name, 'op': op, 'args': args_json(a), 'shape': list(x.shape), 'x': [num(v) for v in x.detach().flatten()],
        'outShape': list(y.shape), 'y': [num(v) for v in y.detach().flatten()],
        'indices': None if idx is None else idx.flatten().tolist(),
        'gy': [num(v) for v in gy.flatten()], 'gx': [num(v) for v in gx.flatten()],
    })
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'autograd', 'test', 'fixtures', 'reductions-golden.json')
with open(path, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': out}, f, separators=(',', ':'))
print(f'{len(out)} cases -> {os.path.normpath(path)}')
