package dev.stepup.identity.control;

import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.Role;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.control.Secrets;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Creates, finds, lists and deletes users and service identities. */
@ApplicationScoped
public class Identities {

    /**
     * Names that are stored and shown: no control character (PostgreSQL refuses a NUL) and
     * no unpaired surrogate, which PostgreSQL's driver would write as {@code ?}, so that the
     * name would be stored, and found, as another.
     */
    public static final String PLAIN_TEXT = "[^\\p{Cntrl}\\p{Cs}]*";

    private static final Pattern PLAIN = Pattern.compile(PLAIN_TEXT);

    public static boolean isPlainText(String text) {
        return PLAIN.matcher(text).matches();
    }

    @PersistenceContext
    EntityManager em;

    /** Stored first in each hash, then the iterations: {@code PBKDF2WithHmacSHA256:210000:salt:hash}. */
    private static final String HASH_ALGORITHM = "PBKDF2WithHmacSHA256";

    @Inject
    Pbkdf2PasswordHash passwordHash;

    /**
     * PBKDF2-HMAC-SHA256 iterations for new password hashes (Jakarta Security's default is
     * 2 048). A hash keeps the count it was made with and is made again at the next sign-in.
     */
    @Inject
    @ConfigProperty(name = "stepup.password.iterations", defaultValue = "210000")
    int iterations;

    @Inject
    Clock clock;

    private volatile String unmatchable;

    @Inject
    Event<IdentityChanged> changes;

    /** The answer for a user id that names no identity. */
    public static ApiException notFound() {
        return new ApiException(404, "U-0001", "User not found");
    }

    @PostConstruct
    void configureHash() {
        passwordHash.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", HASH_ALGORITHM,
                "Pbkdf2PasswordHash.Iterations", Integer.toString(iterations)));
    }

    public Identity create(NewIdentity request, UserId actor) {
        if (findByUsername(request.username()).isPresent()) {
            throw new ApiException(409, "U-0003", "An identity with this name exists already");
        }
        Identity identity = new Identity(UserId.random(), request.type(), request.username(), request.status(),
                request.roles(), clock.instant());
        identity.describe(request.email(), request.firstName(), request.lastName());
        if (request.password() != null) {
            identity.passwordHash(passwordHash.generate(request.password()));
        }
        em.persist(identity);
        try {
            em.flush();
        } catch (PersistenceException e) {
            throw new ApiException(409, "U-0003", "An identity with this name exists already");
        }
        changes.fire(new IdentityChanged(IdentityChanged.Kind.CREATED, actor, identity.id()));
        return identity;
    }

    public Optional<Identity> find(UserId id) {
        return Optional.ofNullable(em.find(Identity.class, id.value()));
    }

    public Optional<Identity> findByUsername(String username) {
        return em.createQuery("select i from Identity i where i.username = :username", Identity.class)
                .setParameter("username", username)
                .getResultStream()
                .findFirst();
    }

    public List<Identity> list(int offset, int size) {
        return em.createQuery("select i from Identity i order by i.id", Identity.class)
                .setFirstResult(offset)
                .setMaxResults(size)
                .getResultList();
    }

    public long count() {
        return em.createQuery("select count(i) from Identity i", Long.class).getSingleResult();
    }

    /**
     * One conditional delete (the database removes the token, registration and sessions with
     * the row), so of two deletes at once, on any instances, one wins and the other finds none.
     */
    public boolean delete(UserId id, UserId actor) {
        if (em.createQuery("delete from Identity i where i.id = :id").setParameter("id", id.value()).executeUpdate() == 0) {
            return false;
        }
        changes.fire(new IdentityChanged(IdentityChanged.Kind.DELETED, actor, id));
        return true;
    }

    public boolean tenantAdminExists() {
        return !em.createQuery("select i.id from Identity i join i.roles r where r = :role", String.class)
                .setParameter("role", Role.TENANT_ADMIN)
                .setMaxResults(1)
                .getResultList()
                .isEmpty();
    }

    /** Spends the time of one password check on a hash that matches nothing. */
    private void verifyNothing(char[] password) {
        passwordHash.verify(password, unmatchable());
    }

    /**
     * The hash that matches nothing, made on first use by whichever check comes first, so
     * the first sign-in after a start costs the same for a known and an unknown name.
     */
    private String unmatchable() {
        String hash = unmatchable;
        if (hash == null) {
            hash = passwordHash.generate(Secrets.randomToken(24).toCharArray());
            unmatchable = hash;
        }
        return hash;
    }

    public void setPassword(Identity identity, char[] password) {
        identity.passwordHash(passwordHash.generate(password));
    }

    /**
     * After a successful check: a hash made with other parameters than today's (Jakarta's
     * 2 048 iterations, say) is made again while the password is at hand.
     */
    public void upgradeHash(Identity identity, char[] password) {
        if (!isCurrent(identity.passwordHash())) {
            identity.passwordHash(passwordHash.generate(password));
        }
    }

    /**
     * Checks a password against a stored hash, or, for a username that has none (null),
     * against the hash that matches nothing, so an unknown username takes as long to refuse
     * as a wrong password. A hash not yet made again with today's iterations is also checked
     * against the hash that matches nothing, so a user whose old hash is quick to check takes
     * as long to refuse as an unknown username.
     */
    public boolean verifyPassword(String storedHash, char[] password) {
        unmatchable(); // made now if not yet, whichever kind of name comes first
        if (storedHash == null) {
            verifyNothing(password);
            return false;
        }
        boolean matches = passwordHash.verify(password, storedHash);
        if (!isCurrent(storedHash)) {
            verifyNothing(password);
        }
        return matches;
    }

    private boolean isCurrent(String hash) {
        return hash.startsWith(HASH_ALGORITHM + ":" + iterations + ":");
    }
}
