// The expression editor's language: arithmetic on named tensors plus method calls, e.g. `(a * b + c).relu().sum()`.
// A small recursive-descent parser (no eval); evaluating records every intermediate as a graph node for the drawing.
import { tensor, type Tensor } from '@adder/autograd';

/** One node of the drawn graph: a variable, a constant or an op's result. */
export interface GraphNode {
  id: number;
  label: string;
  inputs: number[];
  tensor: Tensor;
  isVariable: boolean;
}

type Ast =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: string }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; left: Ast; right: Ast }
  | { kind: 'neg'; arg: Ast }
  | { kind: 'call'; method: string; target: Ast; args: number[] };

const METHODS: Record<string, (t: Tensor, args: number[]) => Tensor> = {
  relu: (t) => t.relu(),
  sum: (t) => t.sum(),
  mean: (t) => t.mean(),
  exp: (t) => t.exp(),
  log: (t) => t.log(),
  tanh: (t) => t.tanh(),
  sigmoid: (t) => t.sigmoid(),
  abs: (t) => t.abs(),
  square: (t) => t.square(),
  sqrt: (t) => t.sqrt(),
  pow: (t, [p]) => t.pow(p!),
};

/** The methods the editor knows. */
export const METHOD_NAMES = Object.keys(METHODS);

export class ExpressionError extends Error {}

function tokenize(src: string): string[] {
  const tokens = src.match(/\d+\.?\d*(?:e-?\d+)?|[A-Za-z_]\w*|[()+\-*/.,]|\S/g) ?? [];
  const bad = tokens.find((t) => !/^(\d|[A-Za-z_]|[()+\-*/.,]$)/.test(t));
  if (bad !== undefined) throw new ExpressionError(`expression: unexpected character '${bad}'`);
  return tokens;
}

function parse(src: string): Ast {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const expect = (t: string): void => {
    if (tokens[pos] !== t) throw new ExpressionError(`expression: expected '${t}' at token ${pos + 1}, found ${tokens[pos] === undefined ? 'the end' : `'${tokens[pos]}'`}`);
    pos++;
  };
  const expr = (): Ast => {
    let left = term();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[pos++] as '+' | '-';
      left = { kind: 'bin', op, left, right: term() };
    }
    return left;
  };
  const term = (): Ast => {
    let left = unary();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[pos++] as '*' | '/';
      left = { kind: 'bin', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Ast => {
    if (peek() === '-') {
      pos++;
      return { kind: 'neg', arg: unary() };
    }
    return postfix();
  };
  const postfix = (): Ast => {
    let target = primary();
    while (peek() === '.') {
      pos++;
      const method = tokens[pos++];
      if (method === undefined || !(method in METHODS)) throw new ExpressionError(`expression: expected a method (${METHOD_NAMES.join(', ')}), found ${method === undefined ? 'the end' : `'${method}'`}`);
      expect('(');
      const args: number[] = [];
      while (peek() !== ')') {
        if (args.length > 0) expect(',');
        const n = Number(tokens[pos++]);
        if (!Number.isFinite(n)) throw new ExpressionError(`expression: ${method}() takes numbers, found '${tokens[pos - 1]}'`);
        args.push(n);
      }
      expect(')');
      target = { kind: 'call', method, target, args };
    }
    return target;
  };
  const primary = (): Ast => {
    const t = tokens[pos++];
    if (t === undefined) throw new ExpressionError('expression: unexpected end');
    if (t === '(') {
      const e = expr();
      expect(')');
      return e;
    }
    if (/^\d/.test(t)) return { kind: 'num', value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) return { kind: 'var', name: t };
    throw new ExpressionError(`expression: unexpected '${t}' at token ${pos}`);
  };
  const ast = expr();
  if (pos !== tokens.length) throw new ExpressionError(`expression: unexpected '${tokens[pos]}' after the end of the expression`);
  return ast;
}

/** Parses `a = [1, -2, 3]; b = 2` (one definition per line or separated by ';') into number arrays. */
export function parseVariables(src: string): Map<string, number[]> {
  const vars = new Map<string, number[]>();
  for (const part of src.split(/[;\n]/).map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(part);
    if (m === null) throw new ExpressionError(`variables: expected 'name = number' or 'name = [numbers]', found '${part}'`);
    const body = m[2]!.trim();
    const values = (body.startsWith('[') && body.endsWith(']') ? body.slice(1, -1) : body).split(',').map((s) => Number(s.trim()));
    if (values.length === 0 || values.some((v) => !Number.isFinite(v))) throw new ExpressionError(`variables: ${m[1]} must be a number or a list of numbers, found '${body}'`);
    vars.set(m[1]!, values);
  }
  return vars;
}

/** Evaluates `src` with the variables (float64 leaves that require grad), runs backward, and returns every node. */
export function evaluateExpression(src: string, variables: Map<string, number[]>): GraphNode[] {
  const nodes: GraphNode[] = [];
  const leaves = new Map<string, GraphNode>();
  const add = (label: string, inputs: number[], t: Tensor, isVariable = false): GraphNode => {
    const n = { id: nodes.length, label, inputs, tensor: t, isVariable };
    nodes.push(n);
    return n;
  };
  const walk = (a: Ast): GraphNode => {
    switch (a.kind) {
      case 'num':
        return add(String(a.value), [], tensor([a.value], { dtype: 'float64' }));
      case 'var': {
        const known = leaves.get(a.name);
        if (known !== undefined) return known;
        const values = variables.get(a.name);
        if (values === undefined) throw new ExpressionError(`expression: the variable '${a.name}' is not defined (define it as '${a.name} = [1, 2]')`);
        const n = add(a.name, [], tensor(values, { dtype: 'float64', requiresGrad: true }), true);
        leaves.set(a.name, n);
        return n;
      }
      case 'neg': {
        const x = walk(a.arg);
        return add('neg', [x.id], x.tensor.neg());
      }
      case 'bin': {
        const l = walk(a.left);
        const r = walk(a.right);
        const t = a.op === '+' ? l.tensor.add(r.tensor) : a.op === '-' ? l.tensor.sub(r.tensor) : a.op === '*' ? l.tensor.mul(r.tensor) : l.tensor.div(r.tensor);
        return add(a.op, [l.id, r.id], t);
      }
      case 'call': {
        const x = walk(a.target);
        return add(a.args.length > 0 ? `${a.method}(${a.args.join(', ')})` : a.method, [x.id], METHODS[a.method]!(x.tensor, a.args));
      }
    }
  };
  const root = walk(parse(src));
  if (root.tensor.shape.reduce((p, d) => p * d, 1) !== 1) {
    throw new ExpressionError(`expression: expected a scalar result to run backward from, found shape [${root.tensor.shape.join(', ')}] (end it with .sum())`);
  }
  for (const n of nodes) if (!n.isVariable && n.tensor.requiresGrad) n.tensor.retainGrad();
  root.tensor.backward();
  return nodes;
}

/** The order backward reaches the nodes: the root first, each node after every node that consumes it. */
export function backwardOrder(nodes: readonly GraphNode[]): number[] {
  const consumers = new Map<number, number>();
  for (const n of nodes) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const order: number[] = [];
  const pending = new Map(consumers);
  const ready = nodes.filter((n) => !consumers.has(n.id)).map((n) => n.id);
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const i of nodes[id]!.inputs) {
      const left = pending.get(i)! - 1;
      pending.set(i, left);
      if (left === 0) ready.push(i);
    }
  }
  return order;
}
