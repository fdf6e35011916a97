package dev.stepup.authentication.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.Secrets;

/**
 * The credential a caller came with, which a step-up counts for: a browser session, an API
 * token, or a Bearer JWT's session ({@code sid}) or, without one, its subject. {@code key}
 * names it without holding it: the session's stored hash, the token's stored hash, or a hash
 * of the JWT's issuer and {@code sid} or of its user.
 */
public record Credential(Kind kind, String key) {

    public enum Kind {
        SESSION, TOKEN, BEARER
    }

    public static Credential session(String sessionHash) {
        return new Credential(Kind.SESSION, sessionHash);
    }

    public static Credential token(String tokenHash) {
        return new Credential(Kind.TOKEN, tokenHash);
    }

    /** A JWT's session at its issuer, or, without {@code sid}, its user. */
    public static Credential bearer(String issuer, String sid, UserId user) {
        return new Credential(Kind.BEARER,
                Secrets.sha256(sid == null ? "sub:" + user.value() : "sid:" + issuer + "\n" + sid));
    }
}
