package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.HousekeepingDue;
import dev.stepup.platform.control.RoundTrip;
import dev.stepup.registration.entity.Factor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.LongStream;
import org.hibernate.Session;

/**
 * The log of wrong codes ({@code code_failure}): one row per user and ten-minute bucket of
 * {@link CodeUses}, with the user's failures in the bucket and the last of them. A user's
 * consecutive failures are the count folded into {@code registration.failures} plus those of
 * the user's rows here; counting a failure writes to the pages of the last minutes' failures
 * (the user's row of the current bucket, updated in place, or a new one), not to the user's
 * registration row, and reading them takes one index entry per bucket.
 *
 * <p>Failures are written, and reset, under the user's lock ({@link CodeUses}), by statements
 * that check the counts the caller read, so a count read just before the lock was taken is
 * never acted on. Housekeeping folds the buckets that ended {@link #FOLDED_AFTER} ago into the
 * registration rows, without the users' locks (the checks of the counts catch a fold). Readers
 * probe the buckets of a {@link Range}: from the oldest that may still hold a row to now (give
 * or take the clocks' skew, which must stay under {@link CodeUses#SKEW}), so a fold that is
 * late, or fails, costs more probes, not a failure unseen.
 */
@ApplicationScoped
public class CodeFailures {

    /** Buckets that ended this long ago are folded into the registration row. */
    static final Duration FOLDED_AFTER = Duration.ofMinutes(20);

    /**
     * The user's failures in the log, for a statement over {@code registration r}; its one
     * parameter is a {@link Range}'s buckets.
     */
    static final String COUNT = "coalesce((select sum(f.failures) from code_failure f where f.bucket = any (?)"
            + " and f.identity_id = r.identity_id), 0)";
    /** The user's last failure in the log, as {@link #COUNT}. */
    static final String LAST = "(select max(f.last_failed_at) from code_failure f where f.bucket = any (?)"
            + " and f.identity_id = r.identity_id)";
    /** That the user has no failure in the log, as {@link #COUNT}. */
    static final String NONE = "not exists (select 1 from code_failure f where f.bucket = any (?)"
            + " and f.identity_id = r.identity_id)";

    /** The end of a {@code merge into code_failure f using (...) s}: one more failure in the row, or a new row. */
    private static final String COUNT_UP = " when matched then update set failures = f.failures + 1, last_failed_at = case"
            + " when f.last_failed_at < s.at then s.at else f.last_failed_at end"
            + " when not matched then insert (bucket, identity_id, failures, last_failed_at)"
            + " values (s.bucket, s.identity_id, 1, s.at)";

    @PersistenceContext
    EntityManager em;

    @Inject
    CodeUses uses;

    /** This bean through its proxy, so that housekeeping's clean-ups get their transactions. */
    @Inject
    CodeFailures self;

    /**
     * No row is in an older bucket, as read last (by housekeeping, or by the first reader),
     * with a bucket to spare for a failure counted at the time of the reading by an instance
     * whose clock is behind, or committed just after it. Null until read.
     */
    private volatile Long oldest;

    /** The buckets a check reads and writes with, the same for all its statements in a round. */
    public record Range(long from, long to) {

        /** The buckets, as a statement's array parameter on {@code connection}. */
        public Array on(Connection connection) throws SQLException {
            return connection.createArrayOf("bigint", LongStream.rangeClosed(from, to).boxed().toArray(Long[]::new));
        }
    }

    /** The buckets that may hold a failure at {@code now}: from the oldest to now. */
    public Range range(Instant now) {
        Long known = oldest;
        if (known == null) {
            known = em.unwrap(Session.class).doReturningWork(connection -> readOldest(connection, now));
            oldest = known;
        }
        long to = CodeUses.bucket(now.plus(CodeUses.SKEW));
        return new Range(Math.min(known, to), to);
    }

    /** The oldest bucket with a row, or the one before that of {@code now} less the clocks' skew. */
    private static long readOldest(Connection connection, Instant now) throws SQLException {
        long earliest = CodeUses.bucket(now.minus(CodeUses.SKEW)) - 1;
        try (PreparedStatement query = connection.prepareStatement("select min(bucket) from code_failure");
             ResultSet row = query.executeQuery()) {
            row.next();
            long min = row.getLong(1);
            return row.wasNull() ? earliest : Math.min(min, earliest);
        }
    }

    /**
     * Counts a failure of {@code user}'s code at {@code at}, if the registration made at
     * {@code registeredAt} is still there with {@code rowFailures} on its row and
     * {@code logged} failures in {@code range}, as the caller read them; false, writing
     * nothing, otherwise: adds one to the user's row of the bucket of {@code at}, or inserts it.
     * The caller holds the user's lock, so no other check inserts that row meanwhile.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(UserId user, Factor factor, Instant registeredAt, int rowFailures, long logged, Range range,
                          Instant at) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement count = connection.prepareStatement("merge into code_failure f using"
                    + " (select cast(? as bigint) as bucket, r.identity_id, cast(? as timestamp with time zone) as at"
                    + " from registration r where r.identity_id = ? and r.factor = ? and r.created_at = ?"
                    + " and r.failures = ? and " + COUNT + " = ?) s on f.bucket = s.bucket and f.identity_id = s.identity_id"
                    + COUNT_UP)) {
                count.setLong(1, CodeUses.bucket(at));
                count.setObject(2, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                count.setString(3, user.value());
                count.setString(4, factor.name());
                count.setObject(5, OffsetDateTime.ofInstant(registeredAt, ZoneOffset.UTC));
                count.setInt(6, rowFailures);
                count.setArray(7, range.on(connection));
                count.setLong(8, logged);
                return count.executeUpdate() == 1;
            }
        });
    }

    /**
     * Adds to {@code trip}, which the caller runs in its transaction, the count of a failure at
     * {@code at} for each of {@code users}, whose locks the caller holds and whose
     * registrations it read after taking them: one added to each user's row of the bucket of
     * {@code at}, or the row inserted. Its count, once run, is how many users had a TOTP
     * registration to count for.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public RoundTrip.Count recordAll(List<UserId> users, Instant at, RoundTrip trip) {
        return trip.add("merge into code_failure f using"
                + " (select cast(? as bigint) as bucket, r.identity_id, cast(? as timestamp with time zone) as at"
                + " from registration r where r.identity_id = any (?) and r.factor = 'TOTP') s"
                + " on f.bucket = s.bucket and f.identity_id = s.identity_id" + COUNT_UP, (count, index) -> {
                    count.setLong(index, CodeUses.bucket(at));
                    count.setObject(index + 1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                    count.setArray(index + 2, CodeUses.ids(count.getConnection(), users));
                    return index + 3;
                });
    }

    /**
     * Deletes the user's failures in {@code range} from the log: after a success, which resets
     * the row's count in the same transaction (first, so that it waits for a fold that holds the
     * row), or after the registration's removal. The caller holds the user's lock.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(UserId user, Range range) {
        em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "delete from code_failure where bucket = any (?) and identity_id = ?")) {
                delete.setArray(1, range.on(connection));
                delete.setString(2, user.value());
                delete.executeUpdate();
            }
            return null;
        });
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("users' failures of a bucket folded into their registrations", () -> self.fold(due.now()));
        due.clean("failure log statistics", () -> self.refresh(due.now()));
    }

    /**
     * After a fold here or on another instance: reads again which bucket is the oldest with a
     * row, and has PostgreSQL sample the log again if it changed much ({@link CodeUses#analyze}).
     * Returns 0: it removes nothing.
     */
    @Transactional
    public int refresh(Instant now) {
        oldest = em.unwrap(Session.class).doReturningWork(connection -> readOldest(connection, now));
        uses.analyze("code_failure");
        return 0;
    }

    /**
     * Adds the failures in the buckets that ended {@link #FOLDED_AFTER} ago to their
     * registrations' counts (and last failure), and deletes those buckets; returns how many
     * rows (a user's failures in a bucket) went. The rows it changes are locked first, in one order, so that a success
     * resetting a row either comes before (and has deleted its failures) or waits for the fold
     * and then finds the row's count changed. A registration gone meanwhile (removed, or a
     * pending enrolment purged) takes nothing: its failures are deleted with the bucket.
     */
    @Transactional
    public int fold(Instant now) {
        if (!uses.foldLock()) {
            return 0;
        }
        long before = CodeUses.bucket(now.minus(FOLDED_AFTER));
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement lock = connection.prepareStatement("select identity_id from registration"
                    + " where factor = 'TOTP' and identity_id in (select identity_id from code_failure where bucket < ?)"
                    + " order by identity_id for update")) {
                lock.setLong(1, before);
                lock.executeQuery().close();
            }
            // Each user's failures counted once, in one pass over the old buckets.
            try (PreparedStatement merge = connection.prepareStatement("merge into registration r using"
                    + " (select identity_id, sum(failures) as n, max(last_failed_at) as last_failed from code_failure"
                    + " where bucket < ? group by identity_id) f on r.identity_id = f.identity_id and r.factor = 'TOTP'"
                    + " when matched then update set failures = r.failures + f.n, last_failure_at = case"
                    + " when r.last_failure_at is null or r.last_failure_at < f.last_failed then f.last_failed"
                    + " else r.last_failure_at end")) {
                merge.setLong(1, before);
                merge.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement("delete from code_failure where bucket < ?")) {
                delete.setLong(1, before);
                return delete.executeUpdate();
            }
        });
    }
}
