/** The driver's entry point, {@code ./sweep}, and its subcommands. */
package dev.scaling.driver;
