package dev.stepup.elevation.control;

import dev.stepup.elevation.entity.CompletionId;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.HousekeepingDue;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Completion IDs: 256 random bits handed out once as a cookie, stored as a SHA-256 hash,
 * bound to the user and consumed by one atomic delete, so each is usable once on any
 * instance.
 */
@ApplicationScoped
public class CompletionIds {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /** This bean through its proxy, so that {@link #purgeExpired} gets a transaction. */
    @Inject
    CompletionIds self;

    /** Creates a completion valid for {@code maxAge}; returns the value for the cookie. */
    public String create(UserId user, Duration maxAge) {
        String value = Secrets.randomToken(32);
        em.persist(new CompletionId(Secrets.sha256(value), user.value(), clock.instant().plus(maxAge)));
        return value;
    }

    /**
     * True, once, for an unexpired completion of this user; the row is gone afterwards, in a
     * transaction of its own: a guarded method that then fails and rolls back its own work
     * does not give the completion back.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean consume(UserId user, String value) {
        if (value == null || value.isEmpty() || value.length() > 100) {
            return false;
        }
        return em.createQuery("delete from CompletionId c where c.idHash = :hash and c.identityId = :user"
                        + " and c.expiresAt > :now")
                .setParameter("hash", Secrets.sha256(value))
                .setParameter("user", user.value())
                .setParameter("now", clock.instant())
                .executeUpdate() == 1;
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("expired completion IDs", () -> self.purgeExpired(due.now()));
    }

    /** Removes completions expired at {@code now}; returns how many. */
    @Transactional
    public int purgeExpired(Instant now) {
        return em.createQuery("delete from CompletionId c where c.expiresAt <= :now")
                .setParameter("now", now)
                .executeUpdate();
    }
}
