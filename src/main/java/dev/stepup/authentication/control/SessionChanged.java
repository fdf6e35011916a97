package dev.stepup.authentication.control;

import dev.stepup.identity.entity.UserId;

/**
 * Fired on every web sign-in attempt and sign-out; the audit trail observes it. The target
 * of a failed or throttled attempt at a name that belongs to no user is null.
 */
public record SessionChanged(Kind kind, UserId actor, UserId target) {

    public enum Kind {
        SIGNED_IN, SIGN_IN_FAILED, SIGN_IN_THROTTLED, SIGNED_OUT, PASSWORD_CONFIRMED
    }
}
