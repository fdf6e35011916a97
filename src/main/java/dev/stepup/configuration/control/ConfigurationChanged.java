package dev.stepup.configuration.control;

import dev.stepup.identity.entity.UserId;

/** Fired when an administrator changes the step-up configuration; the audit trail observes it. */
public record ConfigurationChanged(UserId actor, StepUpConfiguration before, StepUpConfiguration after) {
}
