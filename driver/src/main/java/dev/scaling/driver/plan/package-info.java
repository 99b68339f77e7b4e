/** Planning: grid expansion, cost estimates (6ND) and longest-first ordering. No Spark here. */
package dev.scaling.driver.plan;
