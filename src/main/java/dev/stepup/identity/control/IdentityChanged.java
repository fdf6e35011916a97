package dev.stepup.identity.control;

import dev.stepup.identity.entity.UserId;

/** Fired when an identity or its API token changes; the audit trail observes it. */
public record IdentityChanged(Kind kind, UserId actor, UserId target) {

    public enum Kind {
        CREATED, DELETED, TOKEN_CREATED
    }
}
