/**
 * File access for the driver through Hadoop FileSystem, so every path may be file:, hdfs: or s3a:
 * the spec and OUT, the commit log of finished trials, and the spec diff that names what changed.
 */
package dev.scaling.driver.io;
