/**
 * The seed paper's figures (Kaplan et al. 2020, "Scaling Laws for Neural Language Models") drawn
 * from a sweep's rows, curves and fits wherever the sweep has the data, and the report's "Figures"
 * section that says which appear and which axis of the sweep would produce each missing one.
 */
package dev.scaling.driver.report.paper;
