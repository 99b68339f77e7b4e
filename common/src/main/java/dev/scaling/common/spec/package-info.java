/**
 * The sweep spec: YAML in, validated records out. Every rule violation names field, rule and value.
 */
package dev.scaling.common.spec;
