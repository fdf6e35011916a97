package dev.stepup.admin.boundary;

import dev.stepup.identity.control.Identities;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** {@code POST /api/users}: a {@code User} (username) or a {@code ServiceIdentity} (name). */
public record UserRequest(
        @NotNull(message = "type is required")
        @Pattern(regexp = "User|ServiceIdentity", message = "type must be User or ServiceIdentity")
        String type,
        @Size(min = 1, max = 255, message = "username must have 1 to 255 characters")
        @Pattern(regexp = Identities.PLAIN_TEXT, message = "username" + Identities.NOT_PLAIN_TEXT)
        String username,
        @Size(min = 1, max = 255, message = "name must have 1 to 255 characters")
        @Pattern(regexp = Identities.PLAIN_TEXT, message = "name" + Identities.NOT_PLAIN_TEXT)
        String name,
        @Email(message = "email must be an email address")
        @Size(max = 320, message = "email must have at most 320 characters")
        @Pattern(regexp = Identities.PLAIN_TEXT, message = "email" + Identities.NOT_PLAIN_TEXT)
        String email,
        @Size(max = 255, message = "firstName must have at most 255 characters")
        @Pattern(regexp = Identities.PLAIN_TEXT, message = "firstName" + Identities.NOT_PLAIN_TEXT)
        String firstName,
        @Size(max = 255, message = "lastName must have at most 255 characters")
        @Pattern(regexp = Identities.PLAIN_TEXT, message = "lastName" + Identities.NOT_PLAIN_TEXT)
        String lastName,
        @Size(min = 8, max = 1024, message = "password must have 8 to 1024 characters")
        String password,
        @Pattern(regexp = "active|disabled", message = "status must be active or disabled")
        String status,
        @Size(max = 3, message = "adminRoles has at most three entries")
        List<@NotNull(message = "adminRoles entries must be objects") @Valid RoleName> adminRoles) {

    /** Without the password, which must never reach a log line or an exception's message. */
    @Override
    public String toString() {
        return "UserRequest[type=" + type + ", username=" + username + ", name=" + name + ", email=" + email
                + ", firstName=" + firstName + ", lastName=" + lastName + ", status=" + status
                + ", adminRoles=" + adminRoles + "]";
    }

    /** An admin role as it travels: {@code {"name": "TenantAdmin"}}. */
    public record RoleName(
            @NotNull(message = "adminRoles[].name is required")
            @Pattern(regexp = "TenantAdmin|IdentityViewer|IdentityManager|StepUpVerifier",
                    message = "adminRoles[].name must be TenantAdmin, IdentityViewer, IdentityManager or StepUpVerifier")
            String name) {
    }
}
