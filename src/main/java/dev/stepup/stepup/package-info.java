/**
 * Step-up verification before sensitive actions: authenticating with a code, the
 * completion-ID cookie (issued by a servlet filter, usable once), the caller's validation
 * window, and {@code @StepUpRequired} for JAX-RS methods and CDI beans in the same container.
 */
package dev.stepup.stepup;
