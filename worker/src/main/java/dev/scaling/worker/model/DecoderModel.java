package dev.scaling.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.scaling.common.trial.Seeds;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * A decoder-only transformer language model: token and learned position embeddings, {@code depth}
 * pre-LayerNorm causal blocks, a final LayerNorm and an untied output projection with bias. Input
 * (B, T) int64 tokens with T at most the context; output (B, T, vocab) logits. Built by {@link
 * TransformerFamily}, whose stated total is exactly its parameter count.
 */
public final class DecoderModel extends LanguageModel {
  /** Standard deviation of every weight matrix and embedding at initialisation (GPT-2's choice). */
  public static final double INIT_STD = 0.02;

  private final int vocab;
  private final int context;
  private final int width;
  private final int depth;
  private final WidthScaling scaling;
  private final Parameter tokenEmbedding;
  private final Parameter positionEmbedding;
  private final DecoderLayer[] layers;
  private final LayerNorm finalNorm;
  private final Linear head;
  private final Map<Long, NDArray> masks = new HashMap<>();
  private NDManager manager;

  /**
   * Builds an uninitialised model.
   *
   * @param vocab vocabulary size
   * @param context longest input window
   * @param width model width (d_model)
   * @param depth number of transformer blocks
   * @param heads attention heads; must divide width
   */
  public DecoderModel(int vocab, int context, int width, int depth, int heads) {
    this(vocab, context, width, depth, heads, null);
  }

  /**
   * Builds an uninitialised model under the width multipliers of a {@link Parametrization}.
   *
   * @param vocab vocabulary size
   * @param context longest input window
   * @param width model width (d_model)
   * @param depth number of transformer blocks
   * @param heads attention heads; must divide width
   * @param scaling the multipliers, or null for the standard parametrization
   */
  public DecoderModel(
      int vocab, int context, int width, int depth, int heads, WidthScaling scaling) {
    if (vocab < 1 || context < 1 || width < 1 || depth < 1 || heads < 1 || width % heads != 0) {
      throw new IllegalArgumentException(
          "bad model shape: vocab "
              + vocab
              + ", context "
              + context
              + ", width "
              + width
              + ", depth "
              + depth
              + ", heads "
              + heads);
    }
    this.scaling = scaling == null ? WidthScaling.standard(width / heads) : scaling;
    this.vocab = vocab;
    this.context = context;
    this.width = width;
    this.depth = depth;
    tokenEmbedding =
        addParameter(
            Parameter.builder()
                .setName("token_embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocab, width))
                .build());
    positionEmbedding =
        addParameter(
            Parameter.builder()
                .setName("position_embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(context, width))
                .build());
    layers = new DecoderLayer[depth];
    for (int i = 0; i < depth; i++) {
      layers[i] =
          addChildBlock("layer" + i, new DecoderLayer(width, heads, this.scaling.attentionScale()));
    }
    finalNorm = addChildBlock("final_norm", LayerNorm.builder().axis(2).build());
    head = addChildBlock("head", Linear.builder().setUnits(vocab).build());
  }

  /**
   * Allocates every parameter in {@code manager} and fills it from a {@link SplittableRandom}
   * seeded by {@code seed} and the parameter's name: weights and embeddings normal(0, 0.02), the
   * two residual output projections of each block scaled by 1/sqrt(2 depth), biases and LayerNorm
   * betas 0, LayerNorm gammas 1; the hidden weight matrices' std then multiplied by the {@link
   * WidthScaling#hiddenInit()} of the model's parametrization (1 in the standard one). DJL's
   * process-wide random generator is never used, so the result depends only on the seed.
   *
   * @param manager owns the parameters (and the cached causal masks)
   * @param seed the trial's initialisation seed
   */
  @Override
  public void initialize(NDManager manager, long seed) {
    this.manager = manager;
    for (Pair<String, Parameter> entry : getParameters()) {
      String name = entry.getKey();
      Parameter parameter = entry.getValue();
      parameter.setInitializer(
          initializerFor(name, parameter.getType(), Seeds.derive(seed, "param/" + name)));
    }
    initialize(manager, DataType.FLOAT32, new Shape(1, context));
  }

  private Initializer initializerFor(String name, Parameter.Type type, long paramSeed) {
    switch (type) {
      case GAMMA:
        return Initializer.ONES;
      case BIAS:
      case BETA:
        return Initializer.ZEROS;
      default:
        double baseStd =
            name.endsWith("proj_weight") || name.endsWith("fc2_weight")
                ? INIT_STD / Math.sqrt(2.0 * depth)
                : INIT_STD;
        double std = isHidden(name) ? baseStd * scaling.hiddenInit() : baseStd;
        return (m, shape, dataType) -> {
          SplittableRandom random = new SplittableRandom(paramSeed);
          float[] values = new float[Math.toIntExact(shape.size())];
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
          }
          return ownedCopy(m.create(values, shape).toType(dataType, false));
        };
    }
  }

  /**
   * Whether the parameter called {@code name} is a hidden weight matrix (QKV, attention output, MLP
   * in or out of a block): the parameters whose initialisation and learning rate a parametrization
   * scales with width. Embeddings, biases, LayerNorm and the readout are not.
   */
  static boolean isHidden(String name) {
    return HIDDEN.matcher(name).matches();
  }

  /** A block's weight matrix as DJL names it, e.g. {@code 01layer0_02qkv_weight}. */
  private static final Pattern HIDDEN =
      Pattern.compile(".*layer\\d+_\\d*(qkv|proj|fc1|fc2)_weight");

  /** The hidden weight matrices' {@link WidthScaling#hiddenLearningRate()}, else 1. */
  @Override
  public double learningRateMultiplier(String parameterName) {
    return isHidden(parameterName) ? scaling.hiddenLearningRate() : 1.0;
  }

  /** The model's width multipliers. */
  public WidthScaling scaling() {
    return scaling;
  }

  /**
   * A copy of {@code wrapper} in memory that libtorch allocated itself, and {@code wrapper} closed.
   * DJL's PyTorch engine creates a CPU array from Java data by wrapping a direct {@link
   * java.nio.ByteBuffer} ({@code from_blob}); such an array's storage is JVM memory whose alignment
   * varies from run to run and whose lifetime is the Java wrapper's. Parameters and masks live for
   * the whole run, so they are moved into libtorch's own (64-byte aligned) allocations. The same
   * goes for any Java-made array that autograd may save for the backward pass after its wrapper is
   * closed (see DecoderLayer's attention scale): it must live in libtorch's reference-counted
   * memory, or the garbage collector can free it.
   */
  static NDArray ownedCopy(NDArray wrapper) {
    NDArray copy = wrapper.duplicate();
    wrapper.close();
    return copy;
  }

  @Override
  public int vocab() {
    return vocab;
  }

  /** Longest window the position embedding covers. */
  @Override
  public int context() {
    return context;
  }

  /**
   * The additive causal mask for windows of {@code t} tokens: 0 on and below the diagonal, -inf
   * above. Built once per length in the model's manager and reused.
   */
  NDArray causalMask(long t) {
    NDArray mask = masks.get(t);
    if (mask == null) {
      int n = Math.toIntExact(t);
      float[] values = new float[n * n];
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          values[i * n + j] = Float.NEGATIVE_INFINITY;
        }
      }
      mask = ownedCopy(manager.create(values, new Shape(n, n)));
      masks.put(t, mask);
    }
    return mask;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(run(store, inputs.singletonOrThrow(), training, null));
  }

  /**
   * The embedding output (token plus position), each block's output (the residual stream) and the
   * logits, in that order.
   */
  @Override
  public NDList trace(ParameterStore store, NDArray tokens) {
    NDList out = new NDList();
    out.add(run(store, tokens, false, out));
    return out;
  }

  /** The logits; every intermediate residual stream is added to {@code trace} unless null. */
  private NDArray run(ParameterStore store, NDArray tokens, boolean training, NDList trace) {
    long t = tokens.getShape().get(1);
    if (t > context) {
      throw new IllegalArgumentException(
          "window of " + t + " tokens exceeds the context " + context);
    }
    NDArray tokenTable = store.getValue(tokenEmbedding, tokens.getDevice(), training);
    NDArray positions = store.getValue(positionEmbedding, tokens.getDevice(), training);
    if (t < context) {
      positions = positions.get(new NDIndex(":{}", t));
      positions.attach(tokens.getManager());
    }
    NDArray x =
        tokens
            .getNDArrayInternal()
            .embedding(tokens, tokenTable, SparseFormat.DENSE)
            .singletonOrThrow();
    x = x.add(positions);
    if (trace != null) {
      trace.add(x);
    }
    NDArray mask = causalMask(t);
    for (DecoderLayer layer : layers) {
      x = layer.forward(store, new NDList(x, mask), training).singletonOrThrow();
      if (trace != null) {
        trace.add(x);
      }
    }
    x = finalNorm.forward(store, new NDList(x), training).singletonOrThrow();
    NDArray logits = head.forward(store, new NDList(x), training).singletonOrThrow();
    if (scaling.readout() != 1.0) {
      // A scalar from full() (libtorch memory), not mul(Number): see DecoderLayer's attention
      // scale.
      logits = logits.mul(logits.getManager().full(new Shape(), (float) scaling.readout()));
    }
    return logits;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape xs = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), width);
    Shape mask = new Shape(inputShapes[0].get(1), inputShapes[0].get(1));
    for (DecoderLayer layer : layers) {
      layer.initialize(manager, dataType, xs, mask);
    }
    finalNorm.initialize(manager, dataType, xs);
    head.initialize(manager, dataType, xs);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), vocab)};
  }
}
