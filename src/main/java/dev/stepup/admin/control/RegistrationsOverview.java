package dev.stepup.admin.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.registration.control.RegistrationChanged;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The registrations listing, in a stable order (by user id) that the
 * {@code (factor, status, identity_id)} index serves, and the purge of stale challenges.
 */
@ApplicationScoped
public class RegistrationsOverview {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<RegistrationChanged> changes;

    public long count(Factor factor, Optional<RegistrationStatus> status) {
        TypedQuery<Long> query = em.createQuery("select count(r) from Registration r where r.factor = :factor"
                + (status.isPresent() ? " and r.status = :status" : ""), Long.class);
        query.setParameter("factor", factor);
        status.ifPresent(s -> query.setParameter("status", s));
        return query.getSingleResult();
    }

    public List<RegistrationRow> page(Factor factor, Optional<RegistrationStatus> status, int offset, int size) {
        // Deferred join: the page's ids come from the index alone, and only those 100 rows are
        // joined to their identities, instead of every row the offset skips.
        TypedQuery<String> ids = em.createQuery("select r.identityId from Registration r where r.factor = :factor"
                + (status.isPresent() ? " and r.status = :status" : "") + " order by r.identityId", String.class);
        ids.setParameter("factor", factor);
        status.ifPresent(s -> ids.setParameter("status", s));
        List<String> page = ids.setFirstResult(offset).setMaxResults(size).getResultList();
        if (page.isEmpty()) {
            return List.of();
        }
        return em.createQuery("select r.identityId, i.username, r.status, r.createdAt, r.lastUsedAt"
                        + " from Registration r, Identity i where i.id = r.identityId and r.factor = :factor"
                        + " and r.identityId in :ids order by r.identityId", Object[].class)
                .setParameter("factor", factor)
                .setParameter("ids", page)
                .getResultStream()
                .map(row -> new RegistrationRow((String) row[0], (String) row[1], ((RegistrationStatus) row[2]).name(),
                        factor.name(), (Instant) row[3], (Instant) row[4]))
                .toList();
    }

    /** Deletes pending enrolments started longer than {@code age} ago; returns how many. */
    @Transactional
    public int purgeChallenges(Factor factor, Duration age, UserId actor) {
        int deleted = em.createQuery("delete from Registration r where r.factor = :factor and r.status = :challenge"
                        + " and r.createdAt < :before")
                .setParameter("factor", factor)
                .setParameter("challenge", RegistrationStatus.CHALLENGE)
                .setParameter("before", clock.instant().minus(age))
                .executeUpdate();
        if (deleted > 0) {
            changes.fire(new RegistrationChanged(RegistrationChanged.Kind.PURGED, actor, null, factor));
        }
        return deleted;
    }
}
