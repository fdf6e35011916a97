package dev.stepup.authentication.control;

import dev.stepup.authentication.entity.BrowserSession;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.HousekeepingDue;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Browser sessions of the web UI: the session cookie's value (random, stored only as a hash,
 * so every instance knows every session), the caller it stands for, and the CSRF token
 * derived from it. {@link SignIns} opens them.
 */
@ApplicationScoped
public class BrowserSessions {

    /** The session cookie's name over plain http. */
    public static final String COOKIE = "STEPUP_SESSION";

    /**
     * The session cookie's name over HTTPS: with the {@code __Host-} prefix, browsers take it
     * only from a secure origin, for this host alone and {@code Path=/}, so neither a plain-http
     * answer nor a sibling subdomain can plant or shadow it.
     */
    public static final String SECURE_COOKIE = "__Host-" + COOKIE;

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
    Event<SessionChanged> changes;

    /** This bean through its proxy, so that {@link #purgeExpired} gets a transaction. */
    @Inject
    BrowserSessions self;

    @Inject
    @ConfigProperty(name = "stepup.session.idle.minutes", defaultValue = "30")
    long idleMinutes;

    @Inject
    @ConfigProperty(name = "stepup.session.lifetime.hours", defaultValue = "12")
    long lifetimeHours;

    /**
     * Opens a session for {@code identity} in the caller's transaction and returns the cookie
     * value, seen only here. The session {@code replacing} names (the browser's earlier
     * cookie, or null) ends with it, so a browser that signs in again, perhaps as someone
     * else, leaves no live session behind.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String open(UserId identity, String replacing) {
        if (replacing != null && !replacing.isEmpty() && replacing.length() <= 100) {
            end(replacing);
        }
        String value = Secrets.randomToken(32);
        em.persist(new BrowserSession(Secrets.sha256(value), identity, clock.instant()));
        return value;
    }

    /** The caller whose live session the cookie value names. */
    @Transactional
    public Optional<Caller> authenticate(String value) {
        if (value == null || value.isBlank() || value.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String hash = Secrets.sha256(value);
        BrowserSession session = em.find(BrowserSession.class, hash);
        if (session == null || !session.isLive(now, idle(), lifetime())) {
            return Optional.empty();
        }
        Optional<Identity> identity = identities.find(session.identityId()).filter(Identity::isActive);
        if (identity.isEmpty()) {
            return Optional.empty();
        }
        if (session.lastSeenAt().plus(LAST_SEEN_RESOLUTION).isBefore(now)) {
            session.seen(now);
        }
        return identity.map(user -> Caller.bySession(user, hash, session.confirmedAt()));
    }

    /** Ends the session the cookie value names. */
    @Transactional
    public void signOut(String value, Caller caller) {
        end(value);
        changes.fire(new SessionChanged(SessionChanged.Kind.SIGNED_OUT, caller.id(), caller.id()));
    }

    /** The session's user typed the password again at {@code at}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void confirmed(String sessionHash, Instant at) {
        em.createQuery("update BrowserSession s set s.confirmedAt = :at where s.sessionHash = :hash")
                .setParameter("at", at)
                .setParameter("hash", sessionHash)
                .executeUpdate();
    }

    /** Ends every session of the user: after an administrator reset its second factor. */
    public void endAllOf(UserId user) {
        em.createQuery("delete from BrowserSession s where s.identityId = :id")
                .setParameter("id", user.value())
                .executeUpdate();
    }

    private void end(String value) {
        em.createQuery("delete from BrowserSession s where s.sessionHash = :hash")
                .setParameter("hash", Secrets.sha256(value))
                .executeUpdate();
    }

    /** The session cookie's name on a request that came over HTTPS ({@code secure}) or not. */
    public static String cookieName(boolean secure) {
        return secure ? SECURE_COOKIE : COOKIE;
    }

    /**
     * The CSRF token of a session: derived from the cookie's value, which a page of another
     * site can neither read nor guess, so nothing more needs to be stored.
     */
    public static String csrfToken(String cookieValue) {
        return Secrets.sha256("csrf:" + cookieValue);
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("expired browser sessions", () -> self.purgeExpired(due.now()));
    }

    /** Removes sessions that are idle or too old at {@code now}; returns how many. */
    @Transactional
    public int purgeExpired(Instant now) {
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
}
