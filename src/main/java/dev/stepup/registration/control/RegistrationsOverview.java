package dev.stepup.registration.control;

import dev.stepup.identity.control.Identities;
import dev.stepup.identity.entity.UserId;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The registrations listing, the counts by status, and the purge of stale challenges (by an
 * administrator, or by housekeeping after {@code stepup.housekeeping.challenge.max.age.hours}).
 *
 * <p>The listing is in the order users first enrolled ({@code list_order}). Neither
 * its count nor its offset walks the registrations: both come from {@code registration_tally},
 * which a database trigger keeps (how many registrations of each factor and status lie in each
 * block of {@link RegistrationTallyTrigger#BLOCK} consecutive {@code list_order} values). The
 * page then starts at its block and skips fewer than a block's rows of the
 * {@code (factor, status, list_order)} index, so a page costs the same at a million
 * registrations as at a thousand.
 */
@ApplicationScoped
public class RegistrationsOverview {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Identities identities;

    @Inject
    CodeUses uses;

    @Inject
    Event<RegistrationChanged> changes;

    /** This bean through its proxy, so that housekeeping's purges get their own transactions. */
    @Inject
    RegistrationsOverview self;

    @Inject
    @ConfigProperty(name = "stepup.housekeeping.challenge.max.age.hours", defaultValue = "24")
    long challengeMaxAgeHours;

    /** The total and one page of the listing, {@code offset} rows in. */
    public Listing list(Factor factor, Optional<RegistrationStatus> status, long offset, int size) {
        List<Block> blocks = blocks(factor, status);
        long count = blocks.stream().mapToLong(Block::n).sum();
        long before = 0;
        for (Block block : blocks) {
            if (before + block.n() > offset) {
                return new Listing(count, rows(factor, status, block.first(), (int) (offset - before), size));
            }
            before += block.n();
        }
        return new Listing(count, List.of());
    }

    /** The non-empty blocks of the listing in order, each with how many rows it holds. */
    private List<Block> blocks(Factor factor, Optional<RegistrationStatus> status) {
        Query query = em.createNativeQuery("select block, sum(n) from registration_tally where factor = ?1"
                + (status.isPresent() ? " and status = ?2" : "") + " group by block having sum(n) > 0 order by block");
        query.setParameter(1, factor.name());
        status.ifPresent(s -> query.setParameter(2, s.name()));
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        return rows.stream()
                .map(row -> new Block(((Number) row[0]).longValue() * RegistrationTallyTrigger.BLOCK,
                        ((Number) row[1]).longValue()))
                .toList();
    }

    private List<RegistrationRow> rows(Factor factor, Optional<RegistrationStatus> status, long from, int skip,
                                       int size) {
        // The page's ids come from the index alone; only those rows are read, with their users' names.
        TypedQuery<String> ids = em.createQuery("select r.identityId from Registration r where r.factor = :factor"
                + (status.isPresent() ? " and r.status = :status" : "")
                + " and r.listOrder >= :from order by r.listOrder", String.class);
        ids.setParameter("factor", factor);
        ids.setParameter("from", from);
        status.ifPresent(s -> ids.setParameter("status", s));
        List<String> page = ids.setFirstResult(skip).setMaxResults(size).getResultList();
        if (page.isEmpty()) {
            return List.of();
        }
        Map<String, String> usernames = identities.usernames(page);
        Map<String, Instant> recentUses = uses.lastUses(page);
        return em.createQuery("select r.identityId, r.status, r.createdAt, r.lastUsedAt from Registration r"
                        + " where r.factor = :factor and r.identityId in :ids order by r.listOrder", Object[].class)
                .setParameter("factor", factor)
                .setParameter("ids", page)
                .getResultStream()
                .map(row -> new RegistrationRow((String) row[0], usernames.get((String) row[0]),
                        ((RegistrationStatus) row[1]).name(), factor.name(), (Instant) row[2],
                        CodeUses.later((Instant) row[3], recentUses.get((String) row[0]))))
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

    /** How many registrations there are in each status, of every factor: from the tally, not a scan. */
    public Map<RegistrationStatus, Long> countsByStatus() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select status, sum(n) from registration_tally group by status")
                .getResultList();
        Map<RegistrationStatus, Long> counts = new EnumMap<>(RegistrationStatus.class);
        for (Object[] row : rows) {
            counts.put(RegistrationStatus.valueOf((String) row[0]), ((Number) row[1]).longValue());
        }
        return counts;
    }

    /** Drops the tally's rows of blocks that no registration is left in; returns how many. */
    @Transactional
    public int dropEmptyBlocks() {
        return em.createNativeQuery("delete from registration_tally where n = 0").executeUpdate();
    }

    /** A listing's total and the rows of one page. */
    public record Listing(long count, List<RegistrationRow> rows) {
    }

    /** A block of the listing: its first {@code list_order} value and how many rows it holds. */
    private record Block(long first, long n) {
    }
}
