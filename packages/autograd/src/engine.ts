// The backward engine: Kahn's algorithm over the graph in reverse topological order, iteratively.
// It walks Nodes only; how a gradient is stored on a tensor (.grad, +=) is the caller's `accumulate`
// (Tensor.backward passes it), so this module needs Tensor's type and not the class.
import { NDArray, add, fmtShape, sameShape } from '@adder/tensor';
import { AutogradError } from './errors';
import { Node, type Edge } from './node';
import type { Tensor } from './tensor';

/** Receives the gradient reaching a leaf, or a non-leaf that asked for retainGrad(). */
export type Accumulate = (t: Tensor, grad: NDArray) => void;

/**
 * Runs the node's backward and checks count, dtype and shape of each wanted gradient. The shape must be
 * the input's exactly: nothing is broadcast or summed here, so a wrong gradient cannot slip through
 * because it happens to broadcast (a Function whose inputs broadcast reduces with sumToShape itself).
 */
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
    if (g.dtype !== node.inputDtypes[i]) {
      throw new AutogradError(name, `backward gradient ${i} has dtype ${g.dtype}, but input ${i} is ${node.inputDtypes[i]}`);
    }
    const want = node.inputShapes[i]!;
    if (!sameShape(g.shape, want)) {
      throw new AutogradError(
        name,
        `backward gradient ${i} has shape ${fmtShape(g.shape)}, but input ${i} has shape ${fmtShape(want)} (a backward returns each input's exact shape; reduce a broadcast gradient with sumToShape(grad, inputShape))`,
      );
    }
  }
  return grads;
}

/**
 * Backpropagates `grad` from `rootNode`. Each node runs once, after every consumer has added its
 * gradient (dependency counts), so shared nodes and leaves accumulate with +=. No recursion.
 */
export function runBackward(rootNode: Node, grad: NDArray, retainGraph: boolean, accumulate: Accumulate): void {
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
      if (node.retained !== null) accumulate(node.retained, g);
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
        accumulate(e, gi);
      }
    }
  }
}
