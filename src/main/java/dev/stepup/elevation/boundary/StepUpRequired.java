package dev.stepup.elevation.boundary;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Requires a recent step-up before the annotated JAX-RS method or CDI bean method runs.
 * <ul>
 * <li>{@code alwaysPrompt = false}: passes while the caller's last successful step-up is
 * younger than the configured {@code validationWindow}.</li>
 * <li>{@code alwaysPrompt = true}: passes only with an unexpired, unused completion-ID cookie
 * of the same caller, which it consumes.</li>
 * </ul>
 * Otherwise {@link StepUpRequiredException}: {@code 403 PE-0028} over JAX-RS.
 */
@Inherited
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface StepUpRequired {

    @Nonbinding
    boolean alwaysPrompt() default false;
}
