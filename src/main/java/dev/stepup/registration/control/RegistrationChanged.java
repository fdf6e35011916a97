package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.registration.entity.Factor;

/**
 * Fired when an enrolment starts, is confirmed, is deleted or reset with a recovery code, or its
 * recovery codes are replaced; audit and metrics observe it.
 */
public record RegistrationChanged(Kind kind, UserId actor, UserId target, Factor factor) {

    public enum Kind {
        CHALLENGE_STARTED, CONFIRMED, DELETED_OWN, DELETED_BY_ADMIN, PURGED, RECOVERED, RECOVERY_CODES_REPLACED
    }
}
