package dev.stepup.authentication.control;

import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.Role;
import dev.stepup.identity.entity.UserId;
import java.util.Set;

/**
 * Who is calling, as the authentication mechanism established it: the identity, its
 * effective roles and the scheme it used. Kept as a request attribute.
 */
public record Caller(UserId id, String name, Set<String> roles, Scheme scheme) {

    public static final String ATTRIBUTE = "dev.stepup.caller";

    /** Set when credentials were presented but refused. */
    public static final String REFUSED_ATTRIBUTE = "dev.stepup.caller.refused";

    public enum Scheme {
        TOKEN, BEARER, SESSION
    }

    /** The caller an identity is when it authenticated by {@code scheme}: its effective roles. */
    public static Caller of(Identity identity, Scheme scheme) {
        return new Caller(identity.id(), identity.username(), Role.effective(identity.roles()), scheme);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** True if the caller holds one of {@code wanted}; {@code "**"} is any authenticated caller. */
    public boolean hasAnyRole(String... wanted) {
        for (String role : wanted) {
            if (Role.ANY_AUTHENTICATED.equals(role) || roles.contains(role)) {
                return true;
            }
        }
        return false;
    }
}
