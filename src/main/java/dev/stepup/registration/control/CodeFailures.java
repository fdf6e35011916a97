package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.HousekeepingDue;
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
import java.util.stream.LongStream;
import org.hibernate.Session;

/**
 * The log of wrong codes ({@code code_failure}): one appended row per failure, in the ten-minute
 * buckets of {@link CodeUses}. A user's consecutive failures are the count folded into
 * {@code registration.failures} plus the user's rows here; counting a failure writes to the
 * pages of the last minutes' failures, not to the user's own row.
 *
 * <p>Failures are written, and reset, under the user's lock ({@link CodeUses#tryLock}), by
 * statements that check the counts the caller read, so a count read just before the lock was
 * taken is never acted on. Housekeeping folds the buckets older than {@link #FOLDED_AFTER} into
 * the registration rows, without the users' locks (the checks of the counts catch a fold).
 * Every reader probes the buckets from the oldest that may still hold a row to now: a fold that
 * is late, or fails, costs more probes, never a failure unseen.
 */
@ApplicationScoped
public class CodeFailures {

    /** Buckets that ended this long ago are folded into the registration row. */
    static final Duration FOLDED_AFTER = Duration.ofMinutes(20);

    /**
     * The user's failures in the log, for a statement over {@code registration r}; its one
     * parameter is {@link #buckets}.
     */
    static final String COUNT = "(select count(*) from code_failure f where f.bucket = any (?)"
            + " and f.identity_id = r.identity_id)";
    /** The user's last failure in the log, as {@link #COUNT}. */
    static final String LAST = "(select max(f.failed_at) from code_failure f where f.bucket = any (?)"
            + " and f.identity_id = r.identity_id)";
    /** That the user has no failure in the log, as {@link #COUNT}. */
    static final String NONE = "not exists (select 1 from code_failure f where f.bucket = any (?)"
            + " and f.identity_id = r.identity_id)";

    @PersistenceContext
    EntityManager em;

    @Inject
    CodeUses uses;

    /** This bean through its proxy, so that housekeeping's fold gets its transaction. */
    @Inject
    CodeFailures self;

    /**
     * No row is in an older bucket, as read last (by housekeeping, or by the first reader); a
     * row counted since is in the bucket of its time, give or take the clocks' skew, which is
     * later. Null until read.
     */
    private volatile Long oldest;

    /** The buckets that may hold a failure at {@code now}: from the oldest to now. */
    public Array buckets(Connection connection, Instant now) throws SQLException {
        Long known = oldest;
        if (known == null) {
            known = readOldest(connection, now);
            oldest = known;
        }
        long to = CodeUses.bucket(now.plus(CodeUses.SKEW));
        Long[] buckets = LongStream.rangeClosed(Math.min(known, to), to).boxed().toArray(Long[]::new);
        return connection.createArrayOf("bigint", buckets);
    }

    /** The oldest bucket with a row, or the bucket a row counted from {@code now} on could be in. */
    private static long readOldest(Connection connection, Instant now) throws SQLException {
        long earliest = CodeUses.bucket(now.minus(CodeUses.SKEW));
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
     * {@code logged} failures here, as the caller read them; false, writing nothing, otherwise.
     * The caller holds the user's lock.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(UserId user, Factor factor, Instant registeredAt, int rowFailures, long logged, Instant at) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into code_failure (bucket, identity_id, failed_at) select ?, r.identity_id, ?"
                            + " from registration r where r.identity_id = ? and r.factor = ? and r.created_at = ?"
                            + " and r.failures = ? and " + COUNT + " = ?")) {
                insert.setLong(1, CodeUses.bucket(at));
                insert.setObject(2, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                insert.setString(3, user.value());
                insert.setString(4, factor.name());
                insert.setObject(5, OffsetDateTime.ofInstant(registeredAt, ZoneOffset.UTC));
                insert.setInt(6, rowFailures);
                insert.setArray(7, buckets(connection, at));
                insert.setLong(8, logged);
                return insert.executeUpdate() == 1;
            }
        });
    }

    /**
     * Deletes the user's failures from the log: after a success, which resets the row's count
     * in the same transaction (first, so that it waits for a fold that holds the row), or with
     * the registration. The caller holds the user's lock.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(UserId user, Instant now) {
        em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "delete from code_failure where bucket = any (?) and identity_id = ?")) {
                delete.setArray(1, buckets(connection, now));
                delete.setString(2, user.value());
                delete.executeUpdate();
            }
            return null;
        });
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("failures of codes folded into their registrations", () -> self.fold(due.now()));
        due.clean("(none: the oldest bucket of failures read again)", () -> {
            self.refreshOldest(due.now());
            return 0;
        });
    }

    /** Reads again which bucket is the oldest with a row, after a fold here or elsewhere. */
    @Transactional
    public void refreshOldest(Instant now) {
        oldest = em.unwrap(Session.class).doReturningWork(connection -> readOldest(connection, now));
    }

    /**
     * Adds the failures in the buckets older than {@link #FOLDED_AFTER} to their registrations'
     * counts (and last failure), and deletes those buckets; returns how many failures went. The
     * rows it changes are locked first, in one order, so that a success resetting a row either
     * comes before (and has deleted its failures) or waits for the fold and then finds the
     * row's count changed. A registration gone meanwhile (removed, or a pending enrolment
     * purged) takes nothing: its failures are deleted with the bucket.
     */
    @Transactional
    public int fold(Instant now) {
        if (!uses.foldLock()) {
            return 0;
        }
        long before = CodeUses.bucket(now.minus(FOLDED_AFTER));
        return em.unwrap(Session.class).doReturningWork(connection -> {
            String users = " where factor = 'TOTP' and identity_id in (select identity_id from code_failure where bucket < ?)";
            try (PreparedStatement lock = connection.prepareStatement(
                    "select identity_id from registration" + users + " order by identity_id for update")) {
                lock.setLong(1, before);
                lock.executeQuery().close();
            }
            String count = "(select count(*) from code_failure f where f.bucket < ? and f.identity_id = registration.identity_id)";
            String last = "(select max(f.failed_at) from code_failure f where f.bucket < ?"
                    + " and f.identity_id = registration.identity_id)";
            try (PreparedStatement update = connection.prepareStatement("update registration set failures = failures + "
                    + count + ", last_failure_at = case when last_failure_at is null or last_failure_at < " + last
                    + " then " + last + " else last_failure_at end" + users)) {
                for (int parameter = 1; parameter <= 4; parameter++) {
                    update.setLong(parameter, before);
                }
                update.executeUpdate();
            }
            int folded;
            try (PreparedStatement delete = connection.prepareStatement("delete from code_failure where bucket < ?")) {
                delete.setLong(1, before);
                folded = delete.executeUpdate();
            }
            uses.analyze(connection, "code_failure");
            return folded;
        });
    }
}
