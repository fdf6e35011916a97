package dev.stepup.authentication.boundary;

import dev.stepup.authentication.control.BearerTokens;
import dev.stepup.authentication.control.BrowserSessions;
import dev.stepup.authentication.control.Caller;
import dev.stepup.identity.control.ApiTokens;
import dev.stepup.platform.boundary.AmbiguousCredentials;
import dev.stepup.platform.boundary.RequestCookies;
import dev.stepup.platform.control.Transport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one authentication mechanism of the application, which {@link CallerAuthModule} runs
 * for every request. It reads the {@code Authorization} header ({@code TOKEN <api token>} or
 * {@code Bearer <jwt>}) or, without one, the web UI's session cookie (whose state-changing
 * requests {@code CsrfCheck} guards); a caller it recognises is kept as the request attribute
 * {@link Caller#ATTRIBUTE}, and the module hands it to the container with its roles as groups.
 * It never answers by itself: refused or missing credentials leave the request anonymous,
 * and the role check of each resource method answers {@code 401 AU-0000}.
 *
 * <p>One request's API token is not read here: a step-up with a TOTP code
 * ({@code POST /api/step-up/authenticate/TOTP}). Its token is kept as the request attribute
 * {@link Caller#PENDING_TOKEN_ATTRIBUTE}: on PostgreSQL the batch that checks the code reads
 * it in the round trip that takes the users' locks, so the request makes no read of its own
 * before ({@code src/site/performance.md}, seventeenth round); elsewhere the step-up reads it
 * on its own ({@link #settle}) before anything else. Only a method marked
 * {@link CheckedWithCode} takes such a request as it is; for any other, the role check reads
 * the token first.
 */
@ApplicationScoped
public class CallerAuthentication {

    private static final Logger LOG = Logger.getLogger(CallerAuthentication.class.getName());

    @Inject
    ApiTokens tokens;

    @Inject
    BearerTokens bearerTokens;

    @Inject
    BrowserSessions sessions;

    @Inject
    Transport transport;

    /** The path, after the context path, whose API tokens the step-up's batch reads. */
    static final String STEP_UP_PATH = "/api/step-up/authenticate/TOTP";

    /** The caller {@code request} names with a credential that holds; empty for anonymous. */
    public Optional<Caller> authenticate(HttpServletRequest request) {
        if (AmbiguousCredentials.isAmbiguous(request.getHeaders("Authorization"))) {
            return Optional.empty(); // AmbiguousCredentials refuses it with 400 REQ-0001
        }
        String header = request.getHeader("Authorization");
        String session = null;
        if (header == null || header.isBlank()) {
            session = sessionCookie(request, transport.isSecure(request));
            if (session == null) {
                return Optional.empty();
            }
        }
        if (session == null && pendsToken(request, header.strip())) {
            return Optional.empty();
        }
        String cookie = session;
        Optional<Caller> caller = keep(request,
                () -> cookie == null ? authenticate(header.strip()) : sessions.authenticate(cookie));
        if (caller.isPresent() && session != null) {
            request.setAttribute(BrowserSessions.SESSION_ATTRIBUTE, session);
            request.setAttribute(BrowserSessions.CSRF_ATTRIBUTE, BrowserSessions.csrfToken(session));
        }
        return caller;
    }

    /**
     * Whether {@code request}, whose {@code Authorization} is {@code header}, is a step-up with
     * a TOTP code and an API token that the batch checking the code will read: if so, the
     * token is kept for it as {@link Caller#PENDING_TOKEN_ATTRIBUTE}.
     */
    private boolean pendsToken(HttpServletRequest request, String header) {
        if (!"POST".equals(request.getMethod()) || !header.regionMatches(true, 0, "TOKEN ", 0, "TOKEN ".length())
                || !(request.getContextPath() + STEP_UP_PATH).equals(request.getRequestURI())) {
            return false;
        }
        String token = header.substring("TOKEN ".length()).strip();
        if (!ApiTokens.isWellFormed(token)) {
            return false;
        }
        request.setAttribute(Caller.PENDING_TOKEN_ATTRIBUTE, token);
        return true;
    }

    /**
     * Checks the API token pending on {@code request} ({@link Caller#PENDING_TOKEN_ATTRIBUTE})
     * as for any other request, and keeps the caller it names, or marks the request refused;
     * empty if it names none or none was pending.
     */
    public Optional<Caller> settle(HttpServletRequest request) {
        if (!(request.getAttribute(Caller.PENDING_TOKEN_ATTRIBUTE) instanceof String token)) {
            return Optional.empty();
        }
        request.removeAttribute(Caller.PENDING_TOKEN_ATTRIBUTE);
        return keep(request, () -> authenticate("TOKEN " + token));
    }

    /**
     * The caller that {@code check} finds, kept as {@code request}'s, or the request marked
     * refused if none. Fail closed: a check that throws (a broken credential store) refuses,
     * it never lets a request through.
     */
    private static Optional<Caller> keep(HttpServletRequest request, Supplier<Optional<Caller>> check) {
        Optional<Caller> caller;
        try {
            caller = check.get();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Authentication failed with an error; the request stays anonymous", e);
            caller = Optional.empty();
        }
        caller.ifPresentOrElse(found -> request.setAttribute(Caller.ATTRIBUTE, found),
                () -> request.setAttribute(Caller.REFUSED_ATTRIBUTE, Boolean.TRUE));
        return caller;
    }

    /**
     * Keeps as {@code request}'s caller the identity that its pending API token named when a
     * batch read it ({@code found}), and writes the token's last use if due.
     */
    public Caller accept(HttpServletRequest request, ApiTokens.Authenticated found) {
        request.removeAttribute(Caller.PENDING_TOKEN_ATTRIBUTE);
        Caller caller = Caller.byToken(found.id(), found.username(), found.roles(), found.tokenHash());
        request.setAttribute(Caller.ATTRIBUTE, caller);
        tokens.noteUse(found);
        return caller;
    }

    /** Marks {@code request}, whose pending API token a batch refused, as refused. */
    public void refuse(HttpServletRequest request) {
        request.removeAttribute(Caller.PENDING_TOKEN_ATTRIBUTE);
        request.setAttribute(Caller.REFUSED_ATTRIBUTE, Boolean.TRUE);
    }

    /**
     * The value of the request's session cookie, valid or not; null without one. Over HTTPS
     * only the {@code __Host-} cookie counts.
     */
    static String sessionCookie(HttpServletRequest request, boolean secure) {
        return RequestCookies.value(request, BrowserSessions.cookieName(secure));
    }

    private Optional<Caller> authenticate(String header) {
        int space = header.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = header.substring(0, space);
        String credentials = header.substring(space + 1).strip();
        if ("TOKEN".equalsIgnoreCase(scheme)) {
            return tokens.authenticate(credentials).map(found -> Caller.byToken(found.id(), found.username(), found.roles(), found.tokenHash()));
        }
        if ("Bearer".equalsIgnoreCase(scheme)) {
            return bearerTokens.authenticate(credentials);
        }
        return Optional.empty();
    }
}
