package dev.scaling.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-LayerNorm transformer block: causal multi-head self-attention with a fused QKV
 * projection, then a 4x GELU MLP, each added back to the residual stream. Input: (B, T, C)
 * activations and the additive (T, T) causal mask; output: (B, T, C).
 */
final class DecoderLayer extends AbstractBlock {
  private final int width;
  private final int heads;
  private final int headSize;
  private final float scale;
  private final LayerNorm ln1;
  private final Linear qkv;
  private final Linear proj;
  private final LayerNorm ln2;
  private final Linear fc1;
  private final Linear fc2;

  DecoderLayer(int width, int heads) {
    this(width, heads, 1.0 / Math.sqrt(width / heads));
  }

  /**
   * @param attentionScale the factor of the attention logits q·k (1/sqrt(head size) in the standard
   *     parametrization)
   */
  DecoderLayer(int width, int heads, double attentionScale) {
    this.width = width;
    this.heads = heads;
    this.headSize = width / heads;
    this.scale = (float) attentionScale;
    ln1 = addChildBlock("ln1", LayerNorm.builder().axis(2).build());
    qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * width).build());
    proj = addChildBlock("proj", Linear.builder().setUnits(width).build());
    ln2 = addChildBlock("ln2", LayerNorm.builder().axis(2).build());
    fc1 = addChildBlock("fc1", Linear.builder().setUnits(4L * width).build());
    fc2 = addChildBlock("fc2", Linear.builder().setUnits(width).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray mask = inputs.get(1);
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);

    NDArray h = ln1.forward(store, new NDList(x), training).singletonOrThrow();
    NDList parts = qkv.forward(store, new NDList(h), training).singletonOrThrow().split(3, 2);
    // Not q.mul(scale): DJL's mul(Number) wraps the scalar in a Java direct buffer (from_blob) that
    // it
    // closes at once, while autograd keeps that 0-dim tensor for the backward pass; once the
    // garbage
    // collector frees the buffer, backward scales q's gradient by whatever the freed memory holds.
    // A
    // scalar from full() lives in libtorch's reference-counted memory instead.
    NDArray scaleArray = x.getManager().full(new Shape(), scale);
    NDArray q = parts.get(0).reshape(b, t, heads, headSize).transpose(0, 2, 1, 3).mul(scaleArray);
    NDArray k = parts.get(1).reshape(b, t, heads, headSize).transpose(0, 2, 3, 1);
    NDArray v = parts.get(2).reshape(b, t, heads, headSize).transpose(0, 2, 1, 3);
    NDArray attention = q.matMul(k).add(mask).softmax(-1);
    NDArray y = attention.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, width);
    x = x.add(proj.forward(store, new NDList(y), training).singletonOrThrow());

    NDArray m = ln2.forward(store, new NDList(x), training).singletonOrThrow();
    m = fc1.forward(store, new NDList(m), training).singletonOrThrow().getNDArrayInternal().gelu();
    m = fc2.forward(store, new NDList(m), training).singletonOrThrow();
    return new NDList(x.add(m));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape xs = inputShapes[0];
    ln1.initialize(manager, dataType, xs);
    qkv.initialize(manager, dataType, xs);
    proj.initialize(manager, dataType, xs);
    ln2.initialize(manager, dataType, xs);
    fc1.initialize(manager, dataType, xs);
    fc2.initialize(manager, dataType, new Shape(xs.get(0), xs.get(1), 4L * width));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
