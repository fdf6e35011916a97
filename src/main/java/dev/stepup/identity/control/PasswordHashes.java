package dev.stepup.identity.control;

import dev.stepup.platform.control.Secrets;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Password hashes with Jakarta Security's PBKDF2: making them, checking them in constant time
 * whether or not there is a hash to check against, and telling an outdated one.
 */
@ApplicationScoped
public class PasswordHashes {

    /**
     * Stored first in each hash, then the iterations: {@code PBKDF2WithHmacSHA512:210000:salt:hash}.
     * OWASP's 210 000 iterations are its figure for HMAC-SHA512 (HMAC-SHA256 would need
     * 600 000 for the same strength); hashes of HMAC-SHA256, which StepUp made before, are
     * still checked and made again at the next sign-in.
     */
    static final String ALGORITHM = "PBKDF2WithHmacSHA512";

    @Inject
    Pbkdf2PasswordHash pbkdf2;

    /**
     * PBKDF2-HMAC-SHA512 iterations for new password hashes (Jakarta Security's default is
     * 2 048). A hash keeps the algorithm and count it was made with and is made again at the
     * next sign-in.
     */
    @Inject
    @ConfigProperty(name = "stepup.password.iterations", defaultValue = "210000")
    int iterations;

    private volatile String unmatchable;

    @PostConstruct
    void configure() {
        pbkdf2.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", ALGORITHM,
                "Pbkdf2PasswordHash.Iterations", Integer.toString(iterations)));
    }

    public String hash(char[] password) {
        return pbkdf2.generate(password);
    }

    /**
     * Checks a password against a stored hash, or, for a name that has none (null), against
     * the hash that matches nothing, so an unknown username takes as long to refuse as a
     * wrong password. A hash not yet made again with today's iterations is also checked
     * against the hash that matches nothing, so a user whose old hash is quick to check
     * takes as long to refuse as an unknown username.
     */
    public boolean verify(String storedHash, char[] password) {
        String nothing = unmatchable(); // made now if not yet, whichever kind of name comes first
        if (storedHash == null) {
            pbkdf2.verify(password, nothing);
            return false;
        }
        boolean matches = pbkdf2.verify(password, storedHash);
        if (!isCurrent(storedHash)) {
            pbkdf2.verify(password, nothing);
        }
        return matches;
    }

    /** True if the hash was made with today's algorithm and iterations. */
    public boolean isCurrent(String hash) {
        return hash.startsWith(ALGORITHM + ":" + iterations + ":");
    }

    /**
     * The hash that matches nothing, made on first use by whichever check comes first, so
     * the first sign-in after a start costs the same for a known and an unknown name.
     */
    private String unmatchable() {
        String hash = unmatchable;
        if (hash == null) {
            hash = pbkdf2.generate(Secrets.randomToken(24).toCharArray());
            unmatchable = hash;
        }
        return hash;
    }
}
