package dev.stepup.authentication.boundary;

import dev.stepup.authentication.control.BrowserSessions;
import dev.stepup.authentication.control.Caller;
import dev.stepup.platform.boundary.ApiException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * CSRF protection for the web UI: a state-changing request authenticated by the session
 * cookie must carry the session's token in {@code X-CSRF-Token} (the synchronizer-token
 * pattern; the cookie is also {@code SameSite=Strict}). Requests with an
 * {@code Authorization} header carry no ambient credential and are not affected.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class CsrfCheck implements ContainerRequestFilter {

    public static final String HEADER = "X-CSRF-Token";

    private static final Set<String> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    @Inject
    CurrentCaller caller;

    @Inject
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        if (SAFE.contains(request.getMethod())
                || caller.find().map(Caller::scheme).orElse(null) != Caller.Scheme.SESSION
                || isSignIn(request)) {
            return;
        }
        String expected = (String) servletRequest.getAttribute(BrowserSessions.CSRF_ATTRIBUTE);
        String given = request.getHeaderString(HEADER);
        if (expected == null || given == null || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(403, "AU-0005",
                    "CSRF token missing or wrong: send the X-CSRF-Token header that sign-in and GET /api/me return");
        }
    }

    /** Signing in again over a live session needs no token: the new session replaces the old. */
    private static boolean isSignIn(ContainerRequestContext request) {
        // Jersey gives the path as "session", RESTEasy (WildFly) as "/session".
        String path = request.getUriInfo().getPath();
        return HttpMethod.POST.equals(request.getMethod()) && "session".equals(path.startsWith("/") ? path.substring(1) : path);
    }
}
