package dev.stepup.identity.control;

import dev.stepup.identity.entity.BrowserSession;
import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.IdentityType;
import dev.stepup.identity.entity.SignInThrottle;
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
     * Checks the password of a local user and opens a session. The username's throttle row
     * (see {@link SignInThrottles}) is locked while the password is checked, so concurrent
     * guesses are counted one after another; from the throttle's threshold on, an attempt
     * inside the wait is refused unchecked. A name that belongs to no local user with a
     * password is checked against a hash that matches nothing, counted and refused alike.
     * A success also ends the session {@code replacing} names (the browser's earlier cookie,
     * or null), so a browser that signs in again, perhaps as someone else, leaves no live
     * session behind; a failure leaves it as it was.
     */
    @Transactional(dontRollbackOn = ApiException.class)
    public SignedIn signIn(String username, char[] password, String replacing) {
        SignInThrottle attempts = throttles.lock(username);
        Instant now = clock.instant();
        Optional<Identity> identity = localUser(username);
        Duration wait = throttle.remaining(attempts.failures(), attempts.lastFailureAt(), now);
        if (!wait.isZero()) {
            identity.ifPresent(i -> changes.fire(new IdentityChanged(IdentityChanged.Kind.SIGN_IN_THROTTLED, null, i.id())));
            long seconds = ThrottlePolicy.retryAfterSeconds(wait);
            throw new ApiException(429, "AU-0429", "Too many failed sign-ins; try again in " + seconds + " s",
                    null, Map.of("Retry-After", Long.toString(seconds)));
        }
        // The password is checked first, so an inactive user takes as long to refuse.
        boolean valid = false;
        if (identity.isPresent()) {
            valid = identities.verifyPassword(identity.get(), password) && identity.get().isActive();
        } else {
            identities.verifyNothing(password);
        }
        if (!valid) {
            attempts.failed(now);
            identity.ifPresent(i -> changes.fire(new IdentityChanged(IdentityChanged.Kind.SIGN_IN_FAILED, null, i.id())));
            throw wrongCredentials();
        }
        throttles.clear(attempts);
        identities.upgradeHash(identity.get(), password);
        if (replacing != null && !replacing.isEmpty() && replacing.length() <= 100) {
            end(replacing);
        }
        String value = Secrets.randomToken(32);
        em.persist(new BrowserSession(Secrets.sha256(value), identity.get().id(), now));
        changes.fire(new IdentityChanged(IdentityChanged.Kind.SIGNED_IN, identity.get().id(), identity.get().id()));
        return new SignedIn(Caller.of(identity.get(), Caller.Scheme.SESSION), value);
    }

    /**
     * The local user with a password of this name, its row locked too, so that a deletion
     * waits for the sign-in instead of removing the user under its new session. The lock is
     * taken on the identity's row alone: locking in em.find would join the eagerly fetched
     * roles, which Hibernate then locks in a second select and warns.
     */
    private Optional<Identity> localUser(String username) {
        return em.createQuery("select i.id from Identity i where i.username = :username"
                        + " and i.type = :user and i.source = 'local' and i.passwordHash is not null", String.class)
                .setParameter("username", username)
                .setParameter("user", IdentityType.User)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultStream()
                .findFirst()
                .map(id -> em.find(Identity.class, id));
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
