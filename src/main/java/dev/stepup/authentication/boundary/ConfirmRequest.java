package dev.stepup.authentication.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** {@code POST /api/session/confirm}: the signed-in user's password, typed again. */
public record ConfirmRequest(
        @NotNull(message = "password is required")
        @Size(max = 1024, message = "password has at most 1024 characters")
        String password) {

    @Override
    public String toString() {
        return "ConfirmRequest[hidden]";
    }
}
