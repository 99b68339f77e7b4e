/** The Spark glue: the only code that sees both Spark and the DJL worker. One trial per task. */
package dev.scaling.driver.spark;
