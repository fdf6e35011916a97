/**
 * The SPA example's back end: its own sign-in ({@link dev.stepup.examples.spa.SessionResource},
 * {@link dev.stepup.examples.spa.SessionSignIn}) and {@code POST /api/payout}, guarded by
 * {@code @StepUpRequired(alwaysPrompt = true)}: the page steps up at StepUp and the guard
 * consumes the completion cookie the browser then sends here.
 */
package dev.stepup.examples.spa;
