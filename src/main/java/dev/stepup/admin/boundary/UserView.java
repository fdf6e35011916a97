package dev.stepup.admin.boundary;

import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.IdentityType;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.time.Instant;
import java.util.List;

/** An identity as the API shows it: never the password hash, never the token. */
@JsonbPropertyOrder({"userId", "type", "username", "name", "email", "firstName", "lastName", "status",
        "adminRoles", "identityProvider", "createdAt"})
public record UserView(String userId, String type, String username, String name, String email,
                       String firstName, String lastName, String status, List<UserRequest.RoleName> adminRoles,
                       IdentityProvider identityProvider, Instant createdAt) {

    public record IdentityProvider(boolean mfaEnabled) {
    }

    public static UserView of(Identity identity) {
        boolean user = identity.type() == IdentityType.User;
        return new UserView(identity.id().value(), identity.type().name(),
                user ? identity.username() : null, user ? null : identity.username(),
                identity.email(), identity.firstName(), identity.lastName(), identity.status().name(),
                identity.roles().stream().sorted().map(UserRequest.RoleName::new).toList(),
                new IdentityProvider(true), identity.createdAt());
    }
}
