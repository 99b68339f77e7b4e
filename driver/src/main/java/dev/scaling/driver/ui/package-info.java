/**
 * Access control for the driver's Spark UI: {@link dev.scaling.driver.ui.BasicAuthFilter}, a
 * servlet filter for {@code spark.ui.filters} that refuses anonymous requests and names the user,
 * so Spark's UI ACLs ({@code spark.acls.enable}) act on a real user instead of letting a null user
 * through.
 */
package dev.scaling.driver.ui;
