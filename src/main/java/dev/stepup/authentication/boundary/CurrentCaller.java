package dev.stepup.authentication.boundary;

import dev.stepup.authentication.control.Caller;
import dev.stepup.identity.control.ApiTokens;
import dev.stepup.identity.entity.Role;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.Set;

/**
 * The caller of the current request, as {@link CallerAuthentication} established it. One
 * instance serves every request (the injected request is the current one): a request-scoped
 * bean was made anew for each request, about a twentieth of a request's CPU on Payara.
 *
 * <p>In a method marked {@link CheckedWithCode}, a request whose API token is still pending
 * has no caller yet: {@link #find} is empty and {@link #get} refuses it, until
 * {@link #require} or {@link #accept} has checked the token.
 */
@ApplicationScoped
public class CurrentCaller {

    @Inject
    HttpServletRequest request;

    @Inject
    CallerAuthentication authentication;

    public Optional<Caller> find() {
        return Optional.ofNullable((Caller) request.getAttribute(Caller.ATTRIBUTE));
    }

    /** The caller; {@code 401 AU-0000} if there is none (the role check normally answers first). */
    public Caller get() {
        return find().orElseThrow(ApiException::unauthenticated);
    }

    /**
     * The stored hash of the API token whose check {@link CallerAuthentication} left to the
     * batch that checks the request's code (only a method marked {@link CheckedWithCode} sees
     * one); empty if none.
     */
    public Optional<String> pendingTokenHash() {
        return request.getAttribute(Caller.PENDING_TOKEN_ATTRIBUTE) instanceof String token
                ? Optional.of(Secrets.sha256(token)) : Optional.empty();
    }

    /** Checks the pending API token on its own, as for any other request: the caller it names, kept; else empty. */
    public Optional<Caller> settle() {
        return authentication.settle(request);
    }

    /**
     * The caller, its pending API token (if any) checked on its own first, if {@code roles}
     * admit it, as the role check would: else {@code 401 AU-0000} or {@code 403 AU-0403}.
     */
    public Caller require(String... roles) {
        Caller caller = find().or(this::settle).orElse(null);
        RoleCheck.require(caller, roles);
        return caller;
    }

    /**
     * Keeps as the caller the identity that a batch found for the pending API token, if
     * {@code roles} admit it ({@code 403 AU-0403} if not).
     */
    public Caller accept(ApiTokens.Authenticated found, String... roles) {
        Caller caller = authentication.accept(request, found);
        RoleCheck.require(caller, roles);
        return caller;
    }

    /** {@code 401 AU-0000}: a batch found the pending API token unknown or expired, or its identity not active. */
    public ApiException refuse() {
        authentication.refuse(request);
        return ApiException.unauthenticated();
    }

    /** Whether {@code roles} admit an identity of the granted roles {@code granted}, as {@link #require} says. */
    public static boolean admits(Set<String> granted, String... roles) {
        return RoleCheck.admits(Role.effective(granted), roles);
    }
}
