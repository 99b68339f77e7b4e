/**
 * Planning: grid expansion or IsoFLOP budgets (models picked from a shape ladder per compute
 * budget), cost estimates (6ND) and longest-first ordering. No Spark here.
 */
package dev.scaling.driver.plan;
