package dev.stepup.authentication.boundary;

import dev.stepup.authentication.control.Caller;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/**
 * Who is signed in, as {@code POST /api/session} and {@code GET /api/me} answer: the
 * effective roles, how the caller authenticated, and for a browser session the CSRF token
 * that its state-changing requests must send.
 */
@JsonbPropertyOrder({"userId", "username", "roles", "authenticatedBy", "csrfToken"})
public record SessionView(String userId, String username, List<String> roles, String authenticatedBy, String csrfToken) {

    public static SessionView of(Caller caller, String csrfToken) {
        return new SessionView(caller.id().value(), caller.name(), caller.roles().stream().sorted().toList(),
                caller.scheme().name(), csrfToken);
    }
}
