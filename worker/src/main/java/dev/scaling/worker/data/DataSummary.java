package dev.scaling.worker.data;

/**
 * What a data source's preflight found.
 *
 * @param source the source's name
 * @param vocab vocabulary size a model of the data needs
 * @param files files read from {@code data.path} (0 for generated data)
 * @param bytes total bytes of those files (0 for generated data)
 */
public record DataSummary(String source, int vocab, int files, long bytes) {}
