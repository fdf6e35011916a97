package dev.stepup.identity.control;

import dev.stepup.identity.entity.UserId;

/** Fired when an identity, its token or its browser session changes; the audit trail observes it. */
public record IdentityChanged(Kind kind, UserId actor, UserId target) {

    public enum Kind {
        CREATED, DELETED, TOKEN_CREATED, SIGNED_IN, SIGN_IN_FAILED, SIGN_IN_THROTTLED, SIGNED_OUT
    }
}
