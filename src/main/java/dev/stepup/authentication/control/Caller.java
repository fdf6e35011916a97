package dev.stepup.authentication.control;

import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.Role;
import dev.stepup.identity.entity.UserId;
import java.time.Instant;
import java.util.Set;

/**
 * Who is calling, as the authentication mechanism established it: the identity, its
 * effective roles, the scheme it used and the credential it came with. A Bearer JWT whose
 * {@code acr} is one of {@code stepup.jwt.step.up.acr} also says when its identity provider
 * stepped the user up ({@code providerStepUpAt}, its {@code auth_time}); null otherwise. A
 * browser session says when its user last typed the password ({@code passwordConfirmedAt}).
 * Kept as a request attribute.
 */
public record Caller(UserId id, String name, Set<String> roles, Scheme scheme, Credential credential,
                     Instant providerStepUpAt, Instant passwordConfirmedAt) {

    public static final String ATTRIBUTE = "dev.stepup.caller";

    /**
     * The API token of a request whose check the authentication left to the step-up that reads
     * it with the code ({@code CallerAuthentication}); removed once the token is checked.
     */
    public static final String PENDING_TOKEN_ATTRIBUTE = "dev.stepup.caller.pending.token";

    /** Set when credentials were presented but refused. */
    public static final String REFUSED_ATTRIBUTE = "dev.stepup.caller.refused";

    public enum Scheme {
        TOKEN, BEARER, SESSION
    }

    /**
     * The caller an identity ({@code id}, {@code name}, granted {@code roles}) is when it came
     * with its API token, whose stored hash is {@code tokenHash}.
     */
    public static Caller byToken(UserId id, String name, Set<String> roles, String tokenHash) {
        return new Caller(id, name, Role.effective(roles), Scheme.TOKEN, Credential.token(tokenHash), null, null);
    }

    /**
     * The caller an identity is when it came with the browser session {@code sessionHash}, whose
     * user last typed the password at {@code passwordConfirmedAt}.
     */
    public static Caller bySession(Identity identity, String sessionHash, Instant passwordConfirmedAt) {
        return new Caller(identity.id(), identity.username(), Role.effective(identity.roles()), Scheme.SESSION,
                Credential.session(sessionHash), null, passwordConfirmedAt);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
