/**
 * Tokenizers: text to token ids and back, chosen by {@code data.tokenizer} through {@link
 * dev.scaling.worker.tokenizer.Tokenizers}; byte tokens are the first. {@link
 * dev.scaling.worker.tokenizer.Tokens} holds a token sequence compactly.
 */
package dev.scaling.worker.tokenizer;
