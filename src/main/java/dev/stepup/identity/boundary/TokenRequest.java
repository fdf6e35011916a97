package dev.stepup.identity.boundary;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** {@code POST /api/users/{userId}/tokens}: days of disuse after which the token expires. */
public record TokenRequest(
        @Min(value = 1, message = "tokenExpirationDays must be from 1 to 90")
        @Max(value = 90, message = "tokenExpirationDays must be from 1 to 90")
        Integer tokenExpirationDays) {
}
