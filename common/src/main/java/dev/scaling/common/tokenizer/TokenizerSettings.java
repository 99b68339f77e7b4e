package dev.scaling.common.tokenizer;

import dev.scaling.common.spec.KindSettings;

/**
 * The settings of one tokenizer, parsed by its {@link TokenizerKind} and held by {@link
 * dev.scaling.common.spec.DataSpec#tokenizerSettings()}. Its walk key is the tokenizer's name.
 */
public interface TokenizerSettings extends KindSettings {}
