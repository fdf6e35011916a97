package dev.stepup.authentication.boundary;

import dev.stepup.identity.control.Identities;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /api/session}: a local user's username and password. */
public record SignInRequest(
        @NotBlank(message = "username is required")
        @Size(max = 255, message = "username has at most 255 characters")
        @Pattern(regexp = Identities.PLAIN_TEXT, message = "username" + Identities.NOT_PLAIN_TEXT)
        String username,
        @NotNull(message = "password is required")
        @Size(max = 1024, message = "password has at most 1024 characters")
        String password) {

    @Override
    public String toString() {
        return "SignInRequest[username=" + username + "]";
    }
}
