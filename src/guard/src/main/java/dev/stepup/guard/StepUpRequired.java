package dev.stepup.guard;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Requires a step-up at StepUp before the annotated method of a CDI bean runs: a JAX-RS
 * resource method (the resource must be a CDI bean, e.g. {@code @RequestScoped}), a JSF action
 * method, or any other bean's method called within an HTTP request.
 * <ul>
 * <li>{@code alwaysPrompt = true}: every call needs a step-up of its own, used up by the call.</li>
 * <li>{@code alwaysPrompt = false}: passes while the validation window of the user's last
 * step-up in this browser (this HTTP session) is open.</li>
 * </ul>
 * Without one, a JAX-RS method answers {@code 403 PE-0028}; a JSF action opens the prompt
 * {@code <su:prompt/>} in the same view and runs once the code is verified.
 */
@Inherited
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface StepUpRequired {

    @Nonbinding
    boolean alwaysPrompt() default false;
}
