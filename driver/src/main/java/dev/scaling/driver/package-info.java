/** Entry points of the sweep application: {@code run} and {@code fit} subcommands. */
package dev.scaling.driver;
