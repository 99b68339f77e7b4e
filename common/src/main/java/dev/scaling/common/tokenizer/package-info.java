/**
 * The spec side of tokenizers, chosen by {@code data.tokenizer}: each tokenizer is a {@link
 * dev.scaling.common.tokenizer.TokenizerKind} that parses and validates its own keys of the {@code
 * data} block into its own {@link dev.scaling.common.tokenizer.TokenizerSettings} record (bpe: the
 * vocabulary to train to; hf: its {@code tokenizer.json}); {@link
 * dev.scaling.common.tokenizer.TokenizerKinds} is the registry. The worker's {@code
 * dev.scaling.worker.tokenizer.Tokenizers} holds the runtime that encodes text.
 */
package dev.scaling.common.tokenizer;
