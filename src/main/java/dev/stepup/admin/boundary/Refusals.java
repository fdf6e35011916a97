package dev.stepup.admin.boundary;

import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.boundary.ApiException;

/** The refusals the admin endpoints share. */
final class Refusals {

    private Refusals() {
    }

    /** The answer for a user id that names no identity. */
    static ApiException userNotFound() {
        return new ApiException(404, "U-0001", "User not found");
    }

    /**
     * An administrator resets other users' registrations only: one's own goes through
     * {@code DELETE /api/mfa/register/{factor}/{credential}}, which needs a current code, or
     * a stolen admin token could replace the admin's second factor.
     */
    static void refuseOwnReset(UserId target, UserId caller) {
        if (target.equals(caller)) {
            throw new ApiException(403, "AU-0403",
                    "Your own registration is deleted with a current code: DELETE /api/mfa/register/{factor}/{credential}");
        }
    }
}
