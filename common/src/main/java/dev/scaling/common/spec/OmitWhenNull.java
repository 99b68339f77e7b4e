package dev.scaling.common.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an optional section of a configuration record (e.g. the settings of one schedule) whose
 * absence adds nothing to the trial id's canonical text: the configuration walk skips the component
 * while it is null, so adding such a section to a record leaves every existing trial id as it was.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface OmitWhenNull {}
