package dev.stepup.authentication.control;

import dev.stepup.identity.entity.UserId;

/**
 * Fired on every checked web sign-in attempt and sign-out; the audit trail observes it. The
 * target of a failed attempt at a name that belongs to no user is null. Attempts refused
 * unchecked during a wait are told once per wait, as {@link SignInsRefused}.
 */
public record SessionChanged(Kind kind, UserId actor, UserId target) {

    public enum Kind {
        SIGNED_IN, SIGN_IN_FAILED, SIGNED_OUT, PASSWORD_CONFIRMED
    }
}
