package dev.stepup.identity.control;

import dev.stepup.identity.entity.IdentityStatus;
import dev.stepup.identity.entity.IdentityType;
import java.util.Set;

/** What it takes to create an identity, already checked by the boundary. */
public record NewIdentity(IdentityType type, String username, String email, String firstName, String lastName,
                          char[] password, IdentityStatus status, Set<String> roles) {
}
