/**
 * The JSF example beside StepUp: its own sign-in ({@link dev.stepup.examples.jsf.SignIn},
 * {@link dev.stepup.examples.jsf.SessionSignIn}), a transfer guarded by
 * {@code @StepUpRequired(alwaysPrompt = true)} and a settings change guarded by the window,
 * both prompting through the guard's {@code <su:prompt/>} in {@code bank.xhtml}.
 */
package dev.stepup.examples.jsf;
