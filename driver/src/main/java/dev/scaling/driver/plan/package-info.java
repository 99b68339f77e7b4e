/**
 * Planning: grid expansion or IsoFLOP budgets (models picked from a shape ladder per compute
 * budget), cost estimates (6ND), longest-first ordering and the wsd trunks. No Spark and no worker
 * here: what planning needs of a model family or data source comes from {@code common}.
 */
package dev.scaling.driver.plan;
