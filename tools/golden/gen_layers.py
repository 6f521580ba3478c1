# Golden values (float64) of the layers and losses of issue 18, from torch.nn.functional: avg_pool2d's ceil_mode and
# count_include_pad, adaptive avg/max pooling of any size, grouped and dilated conv2d (packages/autograd/test/fixtures/
# layers-golden.json), layer_norm, group_norm, linear, the element-wise losses and cross_entropy's modes
# (packages/nn/test/fixtures/layers-golden.json). Each case: the inputs, the output, an upstream gradient gy and the
# gradient of sum(out * gy) w.r.t. every float input. Run: /usr/bin/python3 tools/golden/gen_layers.py
import json, math, os, torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
g = torch.Generator().manual_seed(1818)


def randn(*shape):
    return torch.randn(*shape, generator=g)


def case(name, op, options, inputs, fn, consts=None):
    """inputs: float tensors (differentiated); consts: other inputs (targets), stored but not differentiated."""
    ins = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    out = fn(**ins, **(consts or {}))
    gy = randn(*out.shape) if out.dim() > 0 else torch.tensor(1.0)
    (out * gy).sum().backward()
    # JSON has no infinities: a non-finite value is stored as the string JavaScript's Number() reads back
    num = lambda v: v if math.isfinite(v) else str(v).replace('inf', 'Infinity').replace('nan', 'NaN')
    enc = lambda t: {'shape': list(t.shape), 'data': [num(v) for v in t.detach().flatten().tolist()]}
    return {
        'name': name, 'op': op, 'options': options,
        'inputs': {k: enc(v) for k, v in inputs.items()},
        'consts': {k: {**enc(v), 'dtype': 'float64' if v.is_floating_point() else 'int32'} for k, v in (consts or {}).items()},
        'out': enc(out), 'gy': enc(gy),
        'grads': {k: enc(v.grad) for k, v in ins.items()},
    }


def pooling_cases():
    out = []
    for name, shape, k, s, p, ceil, cip in [
        ('avg-k3-s2-ceil', (1, 2, 7, 6), 3, 2, 0, True, True),
        ('avg-k3-s2-p1-ceil', (2, 1, 8, 5), 3, 2, 1, True, True),
        ('avg-k3-s2-p1-ceil-nopad', (2, 1, 8, 5), 3, 2, 1, True, False),
        ('avg-k2-s3-p1-ceil-drop-last', (1, 2, 4, 7), 2, 3, 1, True, True),
        ('avg-k2-s3-p1-ceil-drop-last-nopad', (1, 2, 4, 7), 2, 3, 1, True, False),
        ('avg-k3-s1-p1-nopad', (1, 2, 5, 6), 3, 1, 1, False, False),
        ('avg-rect-nopad', (2, 1, 6, 9), [3, 2], [2, 3], [1, 1], False, False),
        ('avg-rect-ceil', (1, 1, 9, 8), [2, 4], [3, 3], [1, 2], True, True),
    ]:
        opts = {'kernelSize': k, 'stride': s, 'padding': p, 'ceilMode': ceil, 'countIncludePad': cip}
        out.append(case(name, 'avgPool2d', opts, {'x': randn(*shape)},
                        lambda x: F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=cip)))
    for name, shape, size in [('adaptive-5x7-to-3x2', (2, 2, 5, 7), [3, 2]), ('adaptive-6x6-to-4', (1, 2, 6, 6), 4),
                              ('adaptive-4x9-to-5x4', (1, 1, 4, 9), [5, 4]), ('adaptive-7x5-to-1x3', (2, 1, 7, 5), [1, 3]),
                              ('adaptive-3x3-to-3', (1, 2, 3, 3), 3), ('adaptive-1', (2, 3, 4, 5), 1)]:
        out.append(case('avg-' + name, 'adaptiveAvgPool2d', {'outputSize': size}, {'x': randn(*shape)},
                        lambda x: F.adaptive_avg_pool2d(x, size)))
        # distinct values: no ties in a window
        x = (torch.randperm(math.prod(shape), generator=g).to(torch.float64).reshape(shape)) / 7 - 2
        out.append(case('max-' + name, 'adaptiveMaxPool2d', {'outputSize': size}, {'x': x},
                        lambda x: F.adaptive_max_pool2d(x, size)))
    return out


def conv_cases():
    out = []
    for name, n, cin, cout, hw, k, s, p, d, groups, bias in [
        ('groups2', 2, 4, 6, (6, 5), 3, 1, 1, 1, 2, True),
        ('depthwise', 1, 3, 3, (5, 6), 3, 1, 1, 1, 3, False),
        ('depthwise-mult2-s2', 2, 3, 6, (7, 7), 3, 2, 1, 1, 3, True),
        ('dilation2', 1, 2, 3, (8, 7), 3, 1, 2, 2, 1, True),
        ('dilation-rect-s2', 2, 3, 2, (9, 8), [3, 2], [2, 1], [1, 0], [2, 3], 1, False),
        ('groups2-dilation2', 1, 4, 4, (7, 8), 2, 1, 1, 2, 2, True),
    ]:
        kk = k if isinstance(k, list) else [k, k]
        ins = {'x': randn(n, cin, *hw), 'weight': randn(cout, cin // groups, *kk) / math.sqrt(cin // groups * kk[0] * kk[1])}
        if bias:
            ins['bias'] = randn(cout)
        opts = {'stride': s, 'padding': p, 'dilation': d, 'groups': groups}
        out.append(case('conv-' + name, 'conv2d', opts, ins,
                        lambda x, weight, bias=None: F.conv2d(x, weight, bias, s, p, d, groups)))
    return out


def norm_cases():
    out = []
    out.append(case('layer-norm-last', 'layerNorm', {'normalizedShape': [5], 'eps': 1e-5},
                    {'x': randn(3, 4, 5), 'weight': randn(5), 'bias': randn(5)},
                    lambda x, weight, bias: F.layer_norm(x, [5], weight, bias, 1e-5)))
    out.append(case('layer-norm-2d-no-affine', 'layerNorm', {'normalizedShape': [3, 4], 'eps': 1e-3},
                    {'x': 3 * randn(2, 3, 4) + 1},
                    lambda x: F.layer_norm(x, [3, 4], None, None, 1e-3)))
    out.append(case('layer-norm-image', 'layerNorm', {'normalizedShape': [2, 3, 3], 'eps': 1e-5},
                    {'x': randn(2, 2, 3, 3), 'weight': randn(2, 3, 3), 'bias': randn(2, 3, 3)},
                    lambda x, weight, bias: F.layer_norm(x, [2, 3, 3], weight, bias, 1e-5)))
    out.append(case('group-norm-2-of-4', 'groupNorm', {'numGroups': 2, 'eps': 1e-5},
                    {'x': randn(2, 4, 3, 3), 'weight': randn(4), 'bias': randn(4)},
                    lambda x, weight, bias: F.group_norm(x, 2, weight, bias, 1e-5)))
    out.append(case('group-norm-instance', 'groupNorm', {'numGroups': 3, 'eps': 1e-5},
                    {'x': randn(2, 3, 4, 2), 'weight': randn(3), 'bias': randn(3)},
                    lambda x, weight, bias: F.group_norm(x, 3, weight, bias, 1e-5)))
    out.append(case('group-norm-layer-no-affine-1d', 'groupNorm', {'numGroups': 1, 'eps': 1e-2},
                    {'x': randn(3, 6, 5)}, lambda x: F.group_norm(x, 1, None, None, 1e-2)))
    out.append(case('linear-bias', 'linear', {}, {'x': randn(2, 3, 4), 'weight': randn(5, 4), 'bias': randn(5)},
                    lambda x, weight, bias: F.linear(x, weight, bias)))
    out.append(case('linear-1d-no-bias', 'linear', {}, {'x': randn(4), 'weight': randn(3, 4)}, lambda x, weight: F.linear(x, weight)))
    return out


def loss_cases():
    out = []
    for red in ['mean', 'sum', 'none']:
        out.append(case('l1-' + red, 'l1Loss', {'reduction': red}, {'input': randn(3, 4), 'target': randn(3, 4)},
                        lambda input, target: F.l1_loss(input, target, reduction=red)))
        out.append(case('mse-' + red, 'mseLoss', {'reduction': red}, {'input': randn(3, 4), 'target': randn(3, 4)},
                        lambda input, target: F.mse_loss(input, target, reduction=red)))
    for beta in [1.0, 0.5, 0.0]:
        out.append(case(f'smooth-l1-beta{beta}', 'smoothL1Loss', {'beta': beta, 'reduction': 'mean'},
                        {'input': 2 * randn(4, 5), 'target': randn(4, 5)},
                        lambda input, target: F.smooth_l1_loss(input, target, beta=beta)))
    logits = 4 * randn(4, 3)
    logits[0, 0] = 40.0
    logits[1, 1] = -45.0
    target = torch.rand(4, 3, generator=g)
    target[2] = torch.tensor([0.0, 1.0, 1.0])
    out.append(case('bce-logits-plain', 'binaryCrossEntropyWithLogits', {'reduction': 'mean'},
                    {'input': logits, 'target': target}, lambda input, target: F.binary_cross_entropy_with_logits(input, target)))
    w = torch.rand(4, 1, generator=g) + 0.5
    pw = torch.rand(3, generator=g) * 3
    out.append(case('bce-logits-weight-posweight-sum', 'binaryCrossEntropyWithLogits', {'reduction': 'sum'},
                    {'input': logits, 'target': target},
                    lambda input, target, weight, posWeight: F.binary_cross_entropy_with_logits(input, target, weight, reduction='sum', pos_weight=posWeight),
                    {'weight': w, 'posWeight': pw}))
    out.append(case('bce-logits-posweight-none', 'binaryCrossEntropyWithLogits', {'reduction': 'none'},
                    {'input': logits, 'target': target},
                    lambda input, target, posWeight: F.binary_cross_entropy_with_logits(input, target, reduction='none', pos_weight=posWeight),
                    {'posWeight': pw}))
    # cross_entropy: (N, C, d1, d2) class indices, weights, ignore_index, smoothing; probability targets; -inf logits
    x = randn(2, 4, 3, 2)
    t = torch.randint(0, 4, (2, 3, 2), generator=g)
    t[0, 1, 1] = -100
    cw = torch.rand(4, generator=g) + 0.2
    for red in ['mean', 'sum', 'none']:
        out.append(case('ce-nd-weight-' + red, 'crossEntropy', {'reduction': red, 'hasWeight': True}, {'input': x},
                        lambda input, target, weight: F.cross_entropy(input, target, weight=weight, reduction=red),
                        {'target': t, 'weight': cw}))
    out.append(case('ce-nd-weight-smoothing', 'crossEntropy', {'reduction': 'mean', 'labelSmoothing': 0.2, 'hasWeight': True}, {'input': x},
                    lambda input, target, weight: F.cross_entropy(input, target, weight=weight, label_smoothing=0.2),
                    {'target': t, 'weight': cw}))
    t2 = torch.randint(0, 5, (6,), generator=g)
    t2[3] = 2
    out.append(case('ce-weight-ignore-2', 'crossEntropy', {'reduction': 'mean', 'ignoreIndex': 2, 'hasWeight': True}, {'input': randn(6, 5)},
                    lambda input, target, weight: F.cross_entropy(input, target, weight=weight, ignore_index=2),
                    {'target': t2, 'weight': torch.rand(5, generator=g) + 0.1}))
    probs = torch.softmax(randn(2, 4, 3), 1)
    for name, opts, kw in [('mean', {'reduction': 'mean'}, {}), ('sum-smoothing', {'reduction': 'sum', 'labelSmoothing': 0.1}, {'label_smoothing': 0.1}),
                           ('none', {'reduction': 'none'}, {})]:
        out.append(case('ce-probs-nd-' + name, 'crossEntropy', opts, {'input': randn(2, 4, 3), 'target': probs},
                        lambda input, target: F.cross_entropy(input, target, reduction=opts['reduction'], **kw)))
    out.append(case('ce-probs-weight', 'crossEntropy', {'reduction': 'mean', 'hasWeight': True}, {'input': randn(3, 4), 'target': torch.softmax(randn(3, 4), 1)},
                    lambda input, target, weight: F.cross_entropy(input, target, weight=weight), {'weight': torch.rand(4, generator=g) + 0.5}))
    xi = randn(3, 4)
    xi[0, 2] = -math.inf
    xi[2, 0] = -math.inf
    out.append(case('ce-minus-inf-logit', 'crossEntropy', {'reduction': 'mean'}, {'input': xi},
                    lambda input, target: F.cross_entropy(input, target), {'target': torch.tensor([1, 3, 2])}))
    return out


def dump(rel, cases):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'))
    print(f'{rel}: {len(cases)} cases, {os.path.getsize(path):,d} bytes')


dump('packages/autograd/test/fixtures/layers-golden.json', pooling_cases() + conv_cases())
dump('packages/nn/test/fixtures/layers-golden.json', norm_cases() + loss_cases())
