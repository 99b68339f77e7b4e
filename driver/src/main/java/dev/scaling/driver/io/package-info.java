/**
 * File access for the driver through Hadoop FileSystem, so every path may be file:, hdfs: or s3a:.
 */
package dev.scaling.driver.io;
