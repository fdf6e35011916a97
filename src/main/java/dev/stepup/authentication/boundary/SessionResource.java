package dev.stepup.authentication.boundary;

import dev.stepup.authentication.control.BrowserSessions;
import dev.stepup.authentication.control.Caller;
import dev.stepup.authentication.control.SignIn;
import dev.stepup.authentication.control.SignInDevices;
import dev.stepup.authentication.control.SignIns;
import dev.stepup.identity.entity.Role;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.RequestBodies;
import dev.stepup.platform.boundary.RequestCookies;
import dev.stepup.platform.boundary.Responses;
import dev.stepup.platform.control.Transport;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * The web UI's browser session: sign in with username and password ({@code POST}) and sign
 * out ({@code DELETE}); {@code GET /api/me} tells who is signed in. Signing in over a
 * session ends that one: a browser holds one session at a time. The session cookie is
 * {@code HttpOnly; SameSite=Strict; Path=/}, over HTTPS {@code Secure} and named with the
 * {@code __Host-} prefix, and lives until the browser closes or the server ends the session.
 * A successful sign-in also sets the device cookie ({@link SignInDevices}).
 */
@ApplicationScoped
@Path("session")
@DenyAll
@Produces(Responses.JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {

    @Inject
    BrowserSessions sessions;

    @Inject
    SignIns signIns;

    @Inject
    CurrentCaller caller;

    @Inject
    RequestBodies bodies;

    @Inject
    Transport transport;

    @Inject
    HttpServletRequest request;

    @POST
    @PermitAll
    public Response signIn(String body) {
        SignInRequest credentials = bodies.read(body, SignInRequest.class);
        boolean secure = transport.isSecure(request);
        SignIn outcome = signIns.signIn(credentials.username(), credentials.password().toCharArray(),
                CallerAuthentication.sessionCookie(request, secure), origin());
        if (outcome instanceof SignIn.SignedIn signedIn) {
            // The session cookie first: it is the one a client looks for.
            return Response.ok(SessionView.of(signedIn.caller(), BrowserSessions.csrfToken(signedIn.cookieValue())))
                    .header("Set-Cookie", transport.cookie(request, BrowserSessions.cookieName(secure), signedIn.cookieValue(), -1))
                    .header("Set-Cookie", transport.cookie(request, SignInDevices.COOKIE, signedIn.deviceValue(),
                            SignInDevices.LIFETIME.toSeconds(), SignInDevices.PATH))
                    .header("Cache-Control", "no-store")
                    .build();
        }
        throw refusal(outcome);
    }

    /**
     * The signed-in browser's user types the password again: a password confirmation is what
     * starting an enrolment over a session needs ({@code 403 AU-0006} without a recent one).
     * A wrong password counts like a failed sign-in.
     */
    @POST
    @Path("confirm")
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    public Response confirm(String body) {
        Caller me = caller.get();
        if (me.scheme() != Caller.Scheme.SESSION) {
            throw new ApiException(403, "AU-0403", "Only a browser session confirms its password");
        }
        ConfirmRequest confirmation = bodies.read(body, ConfirmRequest.class);
        SignIn outcome = signIns.confirm(me, confirmation.password().toCharArray(), origin());
        if (outcome instanceof SignIn.Confirmed) {
            return Response.noContent().build();
        }
        throw refusal(outcome);
    }

    /** The attempt's client address and the browser's device cookie. */
    private SignIns.Origin origin() {
        return new SignIns.Origin(transport.clientAddress(request), RequestCookies.value(request, SignInDevices.COOKIE));
    }

    private static ApiException refusal(SignIn outcome) {
        if (outcome instanceof SignIn.Busy) {
            return new ApiException(429, "AU-0429", "Too many sign-ins at once; try again in 1 s", null,
                    Map.of("Retry-After", "1"));
        }
        if (outcome instanceof SignIn.Throttled throttled) {
            long seconds = throttled.retryAfterSeconds();
            String message = throttled.atOnce() ? "Too many sign-ins with this username at once; try again in " + seconds + " s"
                    : "Too many failed sign-ins; try again in " + seconds + " s";
            return new ApiException(429, "AU-0429", message, null, Map.of("Retry-After", Long.toString(seconds)));
        }
        return new ApiException(401, "AU-0000", "Wrong username or password");
    }

    @DELETE
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    public Response signOut() {
        Caller current = caller.get();
        if (request.getAttribute(BrowserSessions.SESSION_ATTRIBUTE) instanceof String session) {
            sessions.signOut(session, current);
        }
        return Response.noContent()
                .header("Set-Cookie", transport.cookie(request, BrowserSessions.cookieName(transport.isSecure(request)), "", 0))
                .build();
    }
}
