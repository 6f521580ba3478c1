# Golden values of torch's element-wise activations (float64): forward and derivative (the gradient of the sum)
# at fixed points, written inline into packages/autograd/test/activations.test.ts between its GOLDEN markers:
#   /usr/bin/python3 tools/golden/gen_activations.py
import os, re, torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
X = [-30.0, -8.0, -3.0, -1.5, -1.0, -0.7, -0.25, -1e-3, 0.0, 1e-8, 0.3, 0.5, 0.9, 1.0, 2.0, 3.5, 9.5, 10.5, 25.0]
XPOS = [-0.9, -0.5, -1e-6, 0.0, 1e-10, 0.5, 3.0, 100.0]
CASES = [
    ('gelu', 'gelu(x)', lambda x: F.gelu(x), X),
    ('geluTanh', "gelu(x, { approximate: 'tanh' })", lambda x: F.gelu(x, approximate='tanh'), X),
    ('softplus', 'softplus(x)', lambda x: F.softplus(x), X),
    ('softplusBeta2Threshold1', 'softplus(x, 2, 1)', lambda x: F.softplus(x, beta=2, threshold=1), X),
    ('softplusBeta05', 'softplus(x, 0.5, 20)', lambda x: F.softplus(x, beta=0.5), X),
    ('elu', 'elu(x)', lambda x: F.elu(x), X),
    ('eluAlpha05', 'elu(x, 0.5)', lambda x: F.elu(x, alpha=0.5), X),
    ('silu', 'silu(x)', lambda x: F.silu(x), X),
    ('hardtanh', 'hardtanh(x)', lambda x: F.hardtanh(x), X),
    ('hardtanhBounds', 'hardtanh(x, -0.7, 0.5)', lambda x: F.hardtanh(x, -0.7, 0.5), X),
    ('leakyRelu', 'leakyRelu(x)', lambda x: F.leaky_relu(x), X),
    ('leakyRelu02', 'leakyRelu(x, 0.2)', lambda x: F.leaky_relu(x, 0.2), X),
    ('logSigmoid', 'logSigmoid(x)', lambda x: F.logsigmoid(x), X),
    ('log1p', 'log1p(x)', lambda x: torch.log1p(x), XPOS),
    ('sin', 'sin(x)', lambda x: torch.sin(x), X),
    ('cos', 'cos(x)', lambda x: torch.cos(x), X),
]

def fmt(v):
    return repr(float(v)).replace('inf', 'Infinity').replace('nan', 'NaN')

lines = ['// GOLDEN BEGIN (tools/golden/gen_activations.py, torch ' + torch.__version__ + ', float64)',
         'const GOLDEN: readonly GoldenCase[] = [']
for name, call, f, xs in CASES:
    x = torch.tensor(xs, requires_grad=True)
    y = f(x)
    y.sum().backward()
    lines.append(f"  {{ name: '{name}', call: (x) => {call}, x: [{', '.join(fmt(v) for v in xs)}],")
    lines.append(f"    y: [{', '.join(fmt(v) for v in y.detach())}],")
    lines.append(f"    dy: [{', '.join(fmt(v) for v in x.grad)}] }},")
lines.append('];')
lines.append('// GOLDEN END')
block = '\n'.join(lines)

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'autograd', 'test', 'activations.test.ts')
text = open(path).read()
new = re.sub(r'// GOLDEN BEGIN.*?// GOLDEN END', lambda _: block, text, flags=re.S)
assert new != text or block in text, 'GOLDEN markers not found'
open(path, 'w').write(new)
