package dev.scaling.worker.tokenizer;

import java.util.Map;

/**
 * A tokenizer trained on the training split before use: the corpus is streamed once to count its
 * pre-tokenized words ({@link #countWords}, mergeable across executors), and the merged counts are
 * turned into the file the tokenizer loads ({@link #train}). Training is deterministic.
 */
public interface Trainable {

  /** Adds the pre-tokenized words of one document to {@code counts}. */
  void countWords(String document, Map<String, Long> counts);

  /**
   * The trained tokenizer's file (text, UTF-8) for the word counts of the whole training split.
   *
   * @param vocabSize the vocabulary to reach
   */
  String train(Map<String, Long> counts, int vocabSize);

  /** File name of the trained file in the token cache folder. */
  String fileName();
}
