package dev.stepup.configuration.control;

import dev.stepup.identity.entity.UserId;

/** Fired when an administrator changes the step-up configuration. */
public record ConfigurationChanged(UserId actor, Settings before, Settings after) {
}
