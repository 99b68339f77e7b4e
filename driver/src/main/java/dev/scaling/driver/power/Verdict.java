package dev.scaling.driver.power;

/**
 * Whether a design will pin one exponent to +-{@code pin}: its expected 95% interval is at most
 * 2·pin wide and its bias below pin, with the sentence printed for it.
 *
 * @param quantity the exponent
 * @param width expected 95% interval width
 * @param bias mean estimate - truth
 * @param pin the half-width asked for
 * @param pinned whether width <= 2·pin and |bias| < pin
 * @param message the printed line
 */
public record Verdict(
    Quantity quantity, double width, double bias, double pin, boolean pinned, String message) {}
