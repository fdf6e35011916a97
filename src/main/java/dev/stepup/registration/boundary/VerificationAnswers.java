package dev.stepup.registration.boundary;

import dev.stepup.otp.control.Verification;
import dev.stepup.platform.boundary.ApiError;
import dev.stepup.platform.boundary.Responses;
import jakarta.ws.rs.core.Response;

/**
 * The HTTP answers that every verifying path shares: throttled, malformed and nothing to
 * verify. Each path answers success and a wrong code its own way.
 */
public final class VerificationAnswers {

    private VerificationAnswers() {
    }

    /** The shared answer for {@code result}, or null if the path must answer it itself. */
    public static Response shared(Verification result) {
        if (result instanceof Verification.Throttled throttled) {
            long seconds = throttled.retryAfterSeconds();
            return Response.fromResponse(Responses.error(429, new ApiError(
                            "Too many failed attempts; try again in " + seconds + " s", "MFA-0005", null)))
                    .header("Retry-After", seconds)
                    .build();
        }
        if (result instanceof Verification.Malformed) {
            return Responses.error(400, "MFA-0004",
                    "The code is malformed: a TOTP code has the registration's number of digits, a recovery code ten symbols of Crockford's base32");
        }
        if (result instanceof Verification.NotRegistered) {
            return Responses.error(409, "MFA-0003", "No registration or pending challenge for this action");
        }
        return null;
    }
}
