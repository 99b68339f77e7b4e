/** Entry points of the sweep application: the {@code run} and {@code fit} subcommands. */
package dev.scaling.driver;
