package dev.stepup.admin.boundary;

import dev.stepup.admin.control.RegistrationResets;
import dev.stepup.platform.boundary.ApiException;

/** The refusals the admin endpoints share. */
final class Refusals {

    private Refusals() {
    }

    /** The answer for a user id that names no identity. */
    static ApiException userNotFound() {
        return new ApiException(404, "U-0001", "User not found");
    }

    /** Passes a reset, or throws its refusal ({@code 403 AU-0403}). */
    static void unlessReset(RegistrationResets.Outcome outcome) {
        switch (outcome) {
            case RESET -> {
                // done
            }
            // Or a stolen admin token could replace the admin's own second factor without a code.
            case OWN_REGISTRATION -> throw new ApiException(403, "AU-0403",
                    "Your own registration is deleted with a current code: DELETE /api/mfa/register/{factor}/{credential}");
            case TARGET_IS_TENANT_ADMIN -> throw new ApiException(403, "AU-0403",
                    "Only a TenantAdmin resets the registration of a TenantAdmin");
        }
    }
}
