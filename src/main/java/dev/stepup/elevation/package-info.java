/**
 * Step-up before sensitive actions: authenticating with a code, completion IDs (handed out
 * as a cookie by a servlet filter, usable once), the caller's validation window, and
 * {@code @StepUpRequired} for JAX-RS methods and CDI beans in the same WAR.
 */
package dev.stepup.elevation;
