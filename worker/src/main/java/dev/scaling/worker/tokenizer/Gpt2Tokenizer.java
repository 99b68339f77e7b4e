package dev.scaling.worker.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * GPT-2's byte-level BPE (OpenAI's {@code r50k_base}, vocabulary 50257) through JTokkit, whose jar
 * carries the ranks: the ids GPT-2 itself uses, no download. Special tokens in the text are encoded
 * as ordinary text.
 */
public final class Gpt2Tokenizer implements Tokenizer {

  /** GPT-2's vocabulary: 50,000 merges, 256 bytes and {@code <|endoftext|>}. */
  public static final int VOCAB = 50257;

  private volatile Encoding encoding;

  @Override
  public String name() {
    return "gpt2";
  }

  @Override
  public int vocabSize() {
    return VOCAB;
  }

  private Encoding encoding() {
    Encoding e = encoding;
    if (e == null) {
      synchronized (this) {
        if (encoding == null) {
          encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        }
        e = encoding;
      }
    }
    return e;
  }

  @Override
  public int[] encode(String text) {
    return encoding().encodeOrdinary(text).toArray();
  }

  @Override
  public String decode(int[] tokens) {
    IntArrayList list = new IntArrayList(tokens.length);
    for (int t : tokens) {
      list.add(t);
    }
    return encoding().decode(list);
  }

  @Override
  public int[] tokenBytes() {
    int[] out = new int[VOCAB];
    // <|endoftext|> (the last id) marks a document's end and stands for no text of it.
    for (int id = 0; id < VOCAB - 1; id++) {
      IntArrayList one = new IntArrayList(1);
      one.add(id);
      try {
        out[id] = encoding().decodeBytes(one).length;
      } catch (RuntimeException e) {
        out[id] = 0; // <|endoftext|> stands for no text
      }
    }
    return out;
  }
}
