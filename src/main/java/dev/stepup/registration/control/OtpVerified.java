package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.registration.entity.StepUpFactor;

/**
 * Fired after every checked code of {@code user}, checked for {@code actor} (the user, or the
 * verifier service of an application beside StepUp), a TOTP code or a recovery code ({@code
 * kind}); the audit trail and the metrics observe it. Never the code itself. Codes checked
 * in batches ({@link CodeBatches}) fire {@link OtpsVerified} instead: an observer of every
 * check observes both.
 */
public record OtpVerified(UserId actor, UserId user, Purpose purpose, StepUpFactor kind, Outcome outcome) {

    public enum Outcome {
        SUCCESS, FAILED, REPLAYED, THROTTLED
    }
}
