// The graph Node a Function application leaves on its output (PyTorch's grad_fn), and its edges.
// Only types are imported: the engine and gradcheck test `instanceof Node` without loading Tensor.
import type { DType } from '@adder/tensor';
import type { FunctionContext, FunctionDef } from './context';
import type { Tensor } from './tensor';

/** Where a gradient flows from a Node input: the producing Node, a leaf Tensor, or nowhere. */
export type Edge = Node | Tensor | null;

/** A recorded Function application in the graph (PyTorch's grad_fn). */
export class Node {
  /** A non-leaf tensor that asked for retainGrad(), receiving this node's output gradient. */
  retained: Tensor | null = null;
  constructor(
    readonly def: FunctionDef<object, object>,
    readonly ctx: FunctionContext<object, object>,
    /** One edge per tensor input. */
    readonly next: Edge[],
    readonly inputShapes: (readonly number[])[],
    readonly inputDtypes: DType[],
    readonly outputShape: readonly number[],
    readonly outputDtype: DType,
  ) {}
  /** The Function's registry name. */
  get name(): string {
    return this.def.name;
  }
  /** True once the saved context was released by a backward pass. */
  get isFreed(): boolean {
    return this.ctx.freed;
  }
  /** How many saved arrays this node still holds. */
  get savedCount(): number {
    return this.ctx.savedCount;
  }
}
