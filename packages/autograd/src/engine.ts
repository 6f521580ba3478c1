// The backward engine: Kahn's algorithm over the graph in reverse topological order, iteratively.
import { NDArray, add, fmtShape, sameShape } from '@adder/tensor';
import { isExpandableTo, sumToShape } from './broadcast';
import { AutogradError } from './errors';
import { Node, type Edge } from './function';
import { Tensor } from './tensor';

/** Adds `grad` into a tensor's `.grad` (+=), copying on first write so no caller array is aliased. */
export function accumulateInto(t: Tensor, grad: NDArray): void {
  if (t.grad === null) {
    t.grad = new Tensor(grad.clone());
    return;
  }
  const g = t.grad.data;
  if (g.isContiguous && sameShape(g.shape, grad.shape) && g.dtype === grad.dtype) add(g, grad, g);
  else t.grad = new Tensor(add(g, grad));
}

/** Runs the node's backward and validates count, dtype and shape of each wanted gradient. */
function callBackward(node: Node, gradOut: NDArray): (NDArray | null)[] {
  const name = node.def.name;
  const grads = node.def.backward(node.ctx, gradOut);
  const n = node.next.length;
  if (!Array.isArray(grads) || grads.length !== n) {
    throw new AutogradError(name, `backward returned ${Array.isArray(grads) ? grads.length : typeof grads} gradients, expected ${n} (one per tensor input)`);
  }
  for (let i = 0; i < n; i++) {
    const g = grads[i];
    if (node.next[i] === null || g === null || g === undefined) continue;
    if (!(g instanceof NDArray)) throw new AutogradError(name, `backward gradient ${i} is not an NDArray`);
    const want = node.inputShapes[i]!;
    if (g.dtype !== node.inputDtypes[i]) {
      throw new AutogradError(name, `backward gradient ${i} has dtype ${g.dtype}, but input ${i} is ${node.inputDtypes[i]}`);
    }
    if (!sameShape(g.shape, want)) {
      // PyTorch's validate_outputs: a gradient of a broadcast shape is summed back to the input's shape.
      if (!isExpandableTo(want, g.shape)) {
        throw new AutogradError(name, `backward gradient ${i} has shape ${fmtShape(g.shape)}, but input ${i} has shape ${fmtShape(want)}`);
      }
      grads[i] = sumToShape(g, want);
    }
  }
  return grads;
}

/**
 * Backpropagates `grad` from `rootNode`. Each node runs once, after every consumer has added its
 * gradient (dependency counts), so shared nodes and leaves accumulate with +=. No recursion.
 */
export function runBackward(rootNode: Node, grad: NDArray, retainGraph: boolean): void {
  // 1. count, for every reachable node, how many graph edges point at it
  const deps = new Map<Node, number>();
  deps.set(rootNode, 0);
  const stack: Node[] = [rootNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const next = node.next;
    for (let i = 0; i < next.length; i++) {
      const e: Edge = next[i]!;
      if (!(e instanceof Node)) continue;
      const c = deps.get(e);
      if (c === undefined) {
        deps.set(e, 1);
        stack.push(e);
      } else deps.set(e, c + 1);
    }
  }
  // 2. run nodes whose consumers are all done
  const pending = new Map<Node, NDArray>();
  pending.set(rootNode, grad);
  const ready: Node[] = [rootNode];
  while (ready.length > 0) {
    const node = ready.pop()!;
    const g = pending.get(node);
    pending.delete(node);
    let grads: (NDArray | null)[] | null = null;
    if (g !== undefined) {
      if (node.retained !== null) accumulateInto(node.retained, g);
      grads = callBackward(node, g);
    }
    if (!retainGraph) node.ctx.release();
    const next = node.next;
    for (let i = 0; i < next.length; i++) {
      const e = next[i]!;
      if (e === null) continue;
      const gi = grads === null ? null : grads[i] ?? null;
      if (e instanceof Node) {
        if (gi !== null) {
          const prev = pending.get(e);
          pending.set(e, prev === undefined ? gi : add(prev, gi));
        }
        const c = deps.get(e)! - 1;
        deps.set(e, c);
        if (c === 0) ready.push(e);
      } else if (gi !== null) {
        accumulateInto(e, gi);
      }
    }
  }
}
