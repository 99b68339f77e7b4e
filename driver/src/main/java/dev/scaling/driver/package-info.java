/**
 * The command line: {@link dev.scaling.driver.SweepMain} dispatches to the thin commands {@code
 * run}, {@code plan}, {@code fit}, {@code bench} and {@code coord-check}, which only parse options
 * (shared ones as picocli mixins such as {@link dev.scaling.driver.FitOptionsMixin}, each checked
 * by an {@link dev.scaling.driver.OptionRules} converter), call the sweep layer ({@code
 * driver.sweep}) and print. {@link dev.scaling.driver.CoordCheckStudy} is muP's coordinate check,
 * which trains in this JVM.
 */
package dev.scaling.driver;
