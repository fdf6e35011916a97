package dev.stepup.identity.control;

import dev.stepup.identity.entity.BrowserSession;
import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.IdentityStatus;
import dev.stepup.identity.entity.IdentityType;
import dev.stepup.identity.entity.SignInThrottle;
import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.ThrottlePolicy;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Browser sessions of the web UI: password sign-in (throttled per username like OTPs), the
 * session cookie's value (random, stored only as a hash, so every instance knows every
 * session), and the CSRF token derived from it.
 */
@ApplicationScoped
public class BrowserSessions {

    /** The session cookie's name. */
    public static final String COOKIE = "STEPUP_SESSION";

    /** The request attribute holding the CSRF token the current session's requests must send. */
    public static final String CSRF_ATTRIBUTE = "dev.stepup.csrf";

    /** The request attribute holding the current session's cookie value, for sign-out. */
    public static final String SESSION_ATTRIBUTE = "dev.stepup.session";

    /** A session's last use is written at most this often. */
    static final Duration LAST_SEEN_RESOLUTION = Duration.ofMinutes(1);

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Identities identities;

    @Inject
    ThrottlePolicy throttle;

    @Inject
    SignInThrottles throttles;

    /** This bean through its proxy, so that {@link #attempt} runs in a transaction. */
    @Inject
    BrowserSessions self;

    @Inject
    Event<IdentityChanged> changes;

    @Inject
    @ConfigProperty(name = "stepup.session.idle.minutes", defaultValue = "30")
    long idleMinutes;

    @Inject
    @ConfigProperty(name = "stepup.session.lifetime.hours", defaultValue = "12")
    long lifetimeHours;

    /** A new session: who signed in and the cookie value, seen only here. */
    public record SignedIn(Caller caller, String cookieValue) {
        @Override
        public String toString() {
            return "SignedIn[" + caller + "]";
        }
    }

    /**
     * Checks the password of a local user and opens a session. A username that belongs to no
     * local user with a password is checked against a hash that matches nothing, counted,
     * throttled and audited alike, with the same statements, so the answers tell nothing
     * about which usernames exist. A success also ends the session {@code replacing} names
     * (the browser's earlier cookie, or null), so a browser that signs in again, perhaps as
     * someone else, leaves no live session behind; a failure leaves it as it was.
     *
     * <p>Not one transaction: the name's throttle row is made first, in a transaction of its
     * own, so that no sign-in holds two connections; {@link #attempt} then locks it. Never
     * within a caller's transaction, for the same reason.
     */
    @Transactional(Transactional.TxType.NEVER)
    public SignedIn signIn(String username, char[] password, String replacing) {
        for (int round = 0; round < SignInThrottles.ROUNDS; round++) {
            throttles.ensure(username);
            Optional<SignedIn> signedIn = self.attempt(username, password, replacing);
            if (signedIn.isPresent()) {
                return signedIn.get();
            }
            SignInThrottles.pause(round); // housekeeping removed the row, or it is not committed yet
        }
        throw SignInThrottles.collided();
    }

    /**
     * One attempt under the lock of the name's throttle row, so concurrent guesses are counted
     * one after another; from the throttle's threshold on, an attempt inside the wait is
     * refused unchecked. Empty if the row is not there (to be made again).
     */
    @Transactional(dontRollbackOn = ApiException.class)
    public Optional<SignedIn> attempt(String username, char[] password, String replacing) {
        Optional<SignInThrottle> locked = throttles.lock(username);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        SignInThrottle attempts = locked.get();
        Instant now = clock.instant();
        Optional<LocalUser> user = localUser(username);
        UserId target = user.map(LocalUser::id).orElse(null);
        Duration wait = throttle.remaining(attempts.failures(), attempts.lastFailureAt(), now);
        if (!wait.isZero()) {
            changes.fire(new IdentityChanged(IdentityChanged.Kind.SIGN_IN_THROTTLED, null, target));
            long seconds = ThrottlePolicy.retryAfterSeconds(wait);
            throw new ApiException(429, "AU-0429", "Too many failed sign-ins; try again in " + seconds + " s",
                    null, Map.of("Retry-After", Long.toString(seconds)));
        }
        // The password is checked first, so an inactive user takes as long to refuse.
        boolean valid = identities.verifyPassword(user.map(LocalUser::passwordHash).orElse(null), password)
                && user.map(LocalUser::active).orElse(false);
        if (!valid) {
            attempts.failed(clock.instant()); // after the check: the wait counts from its answer
            changes.fire(new IdentityChanged(IdentityChanged.Kind.SIGN_IN_FAILED, null, target));
            throw wrongCredentials();
        }
        Identity identity = lockedIdentity(target).filter(Identity::isActive)
                .orElseThrow(BrowserSessions::wrongCredentials); // deleted or deactivated a moment ago
        throttles.clear(attempts);
        identities.upgradeHash(identity, password);
        if (replacing != null && !replacing.isEmpty() && replacing.length() <= 100) {
            end(replacing);
        }
        String value = Secrets.randomToken(32);
        em.persist(new BrowserSession(Secrets.sha256(value), identity.id(), now));
        changes.fire(new IdentityChanged(IdentityChanged.Kind.SIGNED_IN, identity.id(), identity.id()));
        return Optional.of(new SignedIn(Caller.of(identity, Caller.Scheme.SESSION), value));
    }

    /** What a password check needs of a local user; the entity is loaded only after a success. */
    private record LocalUser(UserId id, String passwordHash, boolean active) {
    }

    /**
     * The local user with a password of this name, in one statement whether it exists or
     * not, and without a lock, so a known name costs what an unknown one does.
     */
    private Optional<LocalUser> localUser(String username) {
        return em.createQuery("select i.id, i.passwordHash, i.status from Identity i where i.username = :username"
                        + " and i.type = :user and i.source = 'local' and i.passwordHash is not null", Object[].class)
                .setParameter("username", username)
                .setParameter("user", IdentityType.User)
                .getResultList()
                .stream()
                .findFirst()
                .map(row -> new LocalUser(new UserId((String) row[0]), (String) row[1], row[2] == IdentityStatus.active));
    }

    /**
     * After a success: the identity, its row locked, so that a deletion waits for the new
     * session instead of removing the user under it. The lock is taken on the identity's row
     * alone: locking in em.find would join the eagerly fetched roles, which Hibernate then
     * locks in a second select and warns.
     */
    private Optional<Identity> lockedIdentity(UserId id) {
        return em.createQuery("select i.id from Identity i where i.id = :id", String.class)
                .setParameter("id", id.value())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList()
                .stream()
                .findFirst()
                .map(locked -> em.find(Identity.class, locked));
    }

    /** The caller whose live session the cookie value names. */
    @Transactional
    public Optional<Caller> authenticate(String value) {
        if (value == null || value.isBlank() || value.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String hash = Secrets.sha256(value);
        var found = em.createQuery("select s, i from BrowserSession s join Identity i on i.id = s.identityId"
                        + " left join fetch i.roles where s.sessionHash = :hash", Object[].class)
                .setParameter("hash", hash)
                .getResultList();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        BrowserSession session = (BrowserSession) found.get(0)[0];
        Identity identity = (Identity) found.get(0)[1];
        if (!session.isLive(now, idle(), lifetime()) || !identity.isActive()) {
            return Optional.empty();
        }
        if (session.lastSeenAt().plus(LAST_SEEN_RESOLUTION).isBefore(now)) {
            em.createQuery("update BrowserSession s set s.lastSeenAt = :now where s.sessionHash = :hash")
                    .setParameter("now", now)
                    .setParameter("hash", hash)
                    .executeUpdate();
        }
        return Optional.of(Caller.of(identity, Caller.Scheme.SESSION));
    }

    /** Ends the session the cookie value names. */
    @Transactional
    public void signOut(String value, Caller caller) {
        end(value);
        changes.fire(new IdentityChanged(IdentityChanged.Kind.SIGNED_OUT, caller.id(), caller.id()));
    }

    private void end(String value) {
        em.createQuery("delete from BrowserSession s where s.sessionHash = :hash")
                .setParameter("hash", Secrets.sha256(value))
                .executeUpdate();
    }

    /**
     * The CSRF token of a session: derived from the cookie's value, which a page of another
     * site can neither read nor guess, so nothing more needs to be stored.
     */
    public static String csrfToken(String cookieValue) {
        return Secrets.sha256("csrf:" + cookieValue);
    }

    /** Removes sessions that are idle or too old; returns how many. */
    @Transactional
    public int purgeExpired() {
        Instant now = clock.instant();
        return em.createQuery("delete from BrowserSession s where s.lastSeenAt < :idle or s.createdAt < :old")
                .setParameter("idle", now.minus(idle()))
                .setParameter("old", now.minus(lifetime()))
                .executeUpdate();
    }

    private Duration idle() {
        return Duration.ofMinutes(idleMinutes);
    }

    private Duration lifetime() {
        return Duration.ofHours(lifetimeHours);
    }

    private static ApiException wrongCredentials() {
        return new ApiException(401, "AU-0000", "Wrong username or password");
    }
}
