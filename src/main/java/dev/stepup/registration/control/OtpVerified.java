package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;

/** Fired after every checked code; the audit trail and the metrics observe it. */
public record OtpVerified(UserId user, Purpose purpose, Outcome outcome) {

    public enum Outcome {
        SUCCESS, FAILED, REPLAYED, THROTTLED
    }
}
