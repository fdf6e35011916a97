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
import java.util.Locale;
import org.hibernate.Session;

/**
 * The log of wrong codes ({@code code_failure}): one appended row per failure, in the ten-minute
 * buckets of {@link CodeUses}. A user's consecutive failures are the count folded into
 * {@code registration.failures} plus the user's rows here; counting a failure writes to the
 * pages of the last minutes' failures, not to the user's own row.
 *
 * <p>Every failure is written, and every count read for a decision, under the user's lock
 * ({@link CodeUses#tryLock}); the writes also check the counts the caller read, so a count read
 * just before the lock was taken is never acted on. Housekeeping folds the buckets older than
 * {@link #FOLDED_AFTER} into the registration row. Readers look {@link #READ_BACK} back, which
 * leaves housekeeping twenty minutes to fold a bucket before readers stop seeing it.
 */
@ApplicationScoped
public class CodeFailures {

    /** Buckets that ended this long ago are folded into the registration row. */
    static final Duration FOLDED_AFTER = Duration.ofMinutes(20);
    /** How far back readers count rows: longer than {@link #FOLDED_AFTER}, with room for a late fold. */
    static final Duration READ_BACK = Duration.ofMinutes(40);
    /** Housekeeping's advisory lock, of a kind of its own. */
    private static final int FOLD_LOCK_CLASS = 0x53554333;

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

    /** This bean through its proxy, so that housekeeping's fold gets its transaction. */
    @Inject
    CodeFailures self;

    private volatile Boolean postgres;

    /** The buckets readers count at {@code now}. */
    static Array buckets(Connection connection, Instant now) throws SQLException {
        return CodeUses.buckets(connection, now.minus(READ_BACK), now);
    }

    /**
     * Counts a failure of {@code user}'s code at {@code at}, if the registration made at
     * {@code registeredAt} is still there with {@code rowFailures} on its row and
     * {@code logged} failures here, as the caller read them; false, writing nothing, otherwise.
     * The caller holds the user's lock.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(UserId user, Factor factor, Instant registeredAt, int rowFailures, long logged, Instant at) {
        return work(connection -> {
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
        work(connection -> {
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
    }

    /**
     * Adds the failures in the buckets older than {@link #FOLDED_AFTER} to their registrations'
     * counts (and last failure), and deletes those buckets; returns how many failures went. The
     * rows it changes are locked first, in one order, so that a success resetting a row either
     * comes before (and has deleted its failures) or waits for the fold and then finds the
     * count it read changed.
     */
    @Transactional
    public int fold(Instant now) {
        long before = CodeUses.bucket(now.minus(FOLDED_AFTER));
        return work(connection -> {
            if (isPostgres(connection)) {
                // One instance folds; the others skip until the next tick.
                try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_xact_lock(?, ?)")) {
                    lock.setInt(1, FOLD_LOCK_CLASS);
                    lock.setInt(2, 0);
                    try (ResultSet row = lock.executeQuery()) {
                        row.next();
                        if (!row.getBoolean(1)) {
                            return 0;
                        }
                    }
                }
            }
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
            try (PreparedStatement delete = connection.prepareStatement("delete from code_failure where bucket < ?")) {
                delete.setLong(1, before);
                return delete.executeUpdate();
            }
        });
    }

    private boolean isPostgres(Connection connection) throws SQLException {
        Boolean known = postgres;
        if (known == null) {
            known = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            postgres = known;
        }
        return known;
    }

    private <T> T work(Work<T> work) {
        return em.unwrap(Session.class).doReturningWork(work::run);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
