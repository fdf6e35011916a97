package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;

/**
 * Fired after every checked code of {@code user}, checked for {@code actor} (the user, or the
 * verifier service of an application beside StepUp); the audit trail and the metrics observe it.
 */
public record OtpVerified(UserId actor, UserId user, Purpose purpose, Outcome outcome) {

    public enum Outcome {
        SUCCESS, FAILED, REPLAYED, THROTTLED
    }
}
