package dev.stepup.registration.control;

import dev.stepup.configuration.control.StepUpConfiguration;
import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.TotpParameters;
import dev.stepup.platform.control.Database;
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
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.LongStream;
import org.hibernate.Session;

/**
 * The log of accepted codes ({@code code_use}): one appended row per accepted TOTP code or
 * recovery code, in ten-minute buckets. It answers which time steps a user used lately (so a
 * code is accepted once), when a credential last stepped up (its validation window) and when a
 * registration was last used, without writing to the user's own rows.
 *
 * <p>Uses of one user's codes are serialized by {@link #lock}: a transaction-scoped advisory
 * lock on PostgreSQL (which writes nothing), the registration row's lock on H2. Every reader
 * probes the index by bucket and user, one bucket at a time, so a read costs the same however
 * many users there are and however many codes they used.
 */
@ApplicationScoped
public class CodeUses {

    /** The bucket size: ten minutes. */
    static final long BUCKET_SECONDS = 600;
    /** How long uses are kept: longer than any validation window, with room for clock skew. */
    static final Duration KEPT = Duration.ofMinutes(StepUpConfiguration.MAX_WINDOW + 10);
    /**
     * How far back a use that could still conflict with a code accepted now was recorded: a
     * code is accepted within one step of now, so within three of the longest steps.
     */
    public static final Duration RECENT = Duration.ofSeconds(3L * TotpParameters.MAX_TIME_STEP);
    /** How far instances' clocks may differ. */
    static final Duration SKEW = Duration.ofMinutes(1);
    /** The first half of an advisory lock's key: this lock's kind. */
    private static final int LOCK_CLASS = 0x53554331;
    /** Housekeeping's advisory lock for the folds into the registration rows, of a kind of its own. */
    private static final int FOLD_LOCK_CLASS = 0x53554332;
    /** How often {@link #tryLock} tries, a pause apart, before giving up. */
    static final int LOCK_ATTEMPTS = 20;
    static final long LOCK_PAUSE_MILLIS = 50;
    /**
     * On PostgreSQL, the user's lock taken by a statement of the caller's own (in its select
     * list, so that a read and the lock cost one round trip): true if taken. Its parameters are
     * bound by {@link #bindLock}.
     */
    static final String TRY_LOCK = "pg_try_advisory_xact_lock(?, ?)";

    /**
     * On PostgreSQL, a statement that tries the locks of many users ({@link #TRY_LOCK}) without
     * waiting, for a caller to send with statements of its own: a row per user, its id and
     * whether the transaction now holds its lock (read by {@link #locked}). Its parameters are
     * bound by {@link #bindLocks}.
     */
    static final String TRY_LOCKS = "select l.id, pg_try_advisory_xact_lock(?, l.key)"
            + " from unnest(cast(? as varchar[]), cast(? as integer[])) as l(id, key)";

    /**
     * As {@link #TRY_LOCKS}, and also the locks of the users that {@code query} selects (one
     * column, their ids; its parameters bound after those of {@link #bindLocks}), whose keys
     * the statement computes as {@link #lockKey} does: for a caller that knows some users only
     * by what the same round trip reads (the owners of API tokens).
     */
    static String tryLocksAlso(String query) {
        return "select l.id, pg_try_advisory_xact_lock(?, l.key) from (select k.id, k.key from"
                + " unnest(cast(? as varchar[]), cast(? as integer[])) as k(id, key) union all select q.id, "
                + lockKeyOf("q.id") + " from (" + query + ") as q(id)) as l";
    }

    /**
     * {@link #lockKey} in SQL, of the id in {@code column}: Java's {@code String.hashCode} of
     * a user id's 20 ASCII characters, the sum of each character times 31 to the power of the
     * characters after it, modulo 2^32 as a signed integer (the powers modulo 2^32 are in the
     * statement, so the sum fits a bigint).
     */
    static String lockKeyOf(String column) {
        StringBuilder powers = new StringBuilder();
        long power = 1;
        for (int i = 0; i < UserId.LENGTH; i++) {
            powers.insert(0, (i == 0 ? "" : ",")).insert(0, power);
            power = power * 31 % (1L << 32);
        }
        return "(select cast(((cast(sum(ascii(substr(" + column + ", cast(w.n as integer), 1)) * w.p) as bigint)"
                + " & 4294967295) # 2147483648) - 2147483648 as integer) from unnest(cast('{" + powers
                + "}' as bigint[])) with ordinality as w(p, n))";
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /** This bean through its proxy, so that housekeeping's clean-up gets its transaction. */
    @Inject
    CodeUses self;

    @Inject
    Database database;

    /** {@link Database#isPostgres}, asked once: a call of the singleton costs a lock. */
    private volatile Boolean postgres;

    /**
     * Holds the uses of {@code user}'s codes until the transaction ends, if it can within about
     * a second; false if another request holds them that long (on PostgreSQL: a flood of
     * attempts at one user must not hold a thread and a connection each, queued behind each
     * other). H2, the single-instance default, waits as {@link #lock} does.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean tryLock(UserId user, Factor factor) {
        return work(connection -> {
            if (!locksInStatements()) {
                lockRow(connection, user, factor);
                return true;
            }
            try (PreparedStatement lock = connection.prepareStatement("select " + TRY_LOCK)) {
                bindLock(lock, 1, user);
                for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
                    try (ResultSet row = lock.executeQuery()) {
                        row.next();
                        if (row.getBoolean(1)) {
                            return true;
                        }
                    }
                    try {
                        Thread.sleep(LOCK_PAUSE_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return false;
            }
        });
    }

    /**
     * Holds the uses of {@code user}'s codes until the transaction ends, waiting as long as it
     * takes: for the changes that remove a registration, so that no code of it is accepted while
     * it goes.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lock(UserId user, Factor factor) {
        work(connection -> {
            if (locksInStatements()) {
                try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(?, ?)")) {
                    bindLock(lock, 1, user);
                    lock.execute();
                }
            } else {
                lockRow(connection, user, factor);
            }
            return null;
        });
    }

    /**
     * Binds the three parameters of {@link #TRY_LOCKS}, from {@code index} on, to the locks of
     * {@code users}; returns the index after them.
     */
    static int bindLocks(PreparedStatement statement, int index, List<UserId> users) throws SQLException {
        Connection connection = statement.getConnection();
        statement.setInt(index, LOCK_CLASS);
        statement.setArray(index + 1, ids(connection, users));
        statement.setArray(index + 2, connection.createArrayOf("integer", users.stream().map(CodeUses::lockKey).toArray()));
        return index + 3;
    }

    /** The users whose locks {@link #TRY_LOCKS} took, from its {@code rows}. */
    static Set<UserId> locked(ResultSet rows) throws SQLException {
        Set<UserId> locked = new HashSet<>();
        while (rows.next()) {
            if (rows.getBoolean(2)) {
                locked.add(new UserId(rows.getString(1)));
            }
        }
        return locked;
    }

    /**
     * Binds the two parameters of {@link #TRY_LOCK} (or of the waiting lock of {@link #lock}),
     * from {@code index} on, to {@code user}'s lock.
     */
    static void bindLock(PreparedStatement statement, int index, UserId user) throws SQLException {
        statement.setInt(index, LOCK_CLASS);
        statement.setInt(index + 1, lockKey(user));
    }

    /** The second half of {@code user}'s lock; the first is {@link #LOCK_CLASS}. */
    static int lockKey(UserId user) {
        return user.value().hashCode();
    }

    /**
     * Whether the user's lock can be taken by {@link #TRY_LOCK} in a statement (PostgreSQL);
     * otherwise (H2) {@link #tryLock} takes it, as the registration row's lock.
     */
    boolean locksInStatements() {
        Boolean known = postgres;
        if (known == null) {
            known = database.isPostgres();
            postgres = known;
        }
        return known;
    }

    /**
     * The later of a time folded into the registration row and the latest of the same kind
     * still in a log; either may be null.
     */
    static Instant later(Instant folded, Instant logged) {
        if (folded == null || logged != null && logged.isAfter(folded)) {
            return logged;
        }
        return folded;
    }

    private static void lockRow(Connection connection, UserId user, Factor factor) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "select identity_id from registration where identity_id = ? and factor = ? for update")) {
            lock.setString(1, user.value());
            lock.setString(2, factor.name());
            lock.execute();
        }
    }

    /** The latest time step of {@code user}'s codes used since {@code since}, if any. */
    public OptionalLong lastStep(UserId user, Instant since, Instant now) {
        return work(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "select max(step) from code_use where bucket = any (?) and identity_id = ? and used_at >= ?")) {
                query.setArray(1, buckets(connection, since, now));
                query.setString(2, user.value());
                query.setObject(3, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    long step = row.getLong(1);
                    return row.wasNull() ? OptionalLong.empty() : OptionalLong.of(step);
                }
            }
        });
    }

    /**
     * Records that {@code user} used a code of time step {@code step} (a recovery code:
     * {@code -1}) at {@code at}; {@code credential} names the credential whose window this
     * opens, or is null.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(UserId user, long step, Instant at, String credential) {
        work(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into code_use (bucket, identity_id, step, used_at, credential) values (?, ?, ?, ?, ?)")) {
                insert.setLong(1, bucket(at));
                insert.setString(2, user.value());
                insert.setLong(3, step);
                insert.setObject(4, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                insert.setString(5, credential);
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** A use of a code of {@code user}'s, of time step {@code step}, at {@code at}, for the credential {@code credential}. */
    public record Use(UserId user, long step, Instant at, String credential) {
    }

    /**
     * Adds to {@code trip}, which the caller runs in its transaction (PostgreSQL), one statement
     * that records {@code uses} as {@link #record} does. The caller holds the users' locks and
     * read, after taking them, that no code of the step or later was used.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordAll(List<Use> uses, RoundTrip trip) {
        trip.add("insert into code_use (bucket, identity_id, step, used_at, credential)"
                + " select b, i, s, cast(u as timestamp with time zone), c from unnest(cast(? as bigint[]),"
                + " cast(? as varchar[]), cast(? as bigint[]), cast(? as varchar[]), cast(? as varchar[])) as l (b, i, s, u, c)",
                (insert, index) -> {
                    Connection connection = insert.getConnection();
                    insert.setArray(index, connection.createArrayOf("bigint",
                            uses.stream().map(use -> bucket(use.at())).toArray()));
                    insert.setArray(index + 1, ids(connection, uses.stream().map(Use::user).toList()));
                    insert.setArray(index + 2, connection.createArrayOf("bigint", uses.stream().map(Use::step).toArray()));
                    insert.setArray(index + 3, connection.createArrayOf("varchar",
                            uses.stream().map(use -> use.at().toString()).toArray()));
                    insert.setArray(index + 4, connection.createArrayOf("varchar", uses.stream().map(Use::credential).toArray()));
                    return index + 5;
                });
    }

    /**
     * Records a use as {@link #record} does, if the registration made at {@code registeredAt}
     * is still there with no failure counted (on its row, or in {@code failures} of
     * {@link CodeFailures}' log), and no code of time step {@code step} or later was used since
     * it was made; false, writing nothing, otherwise. One statement. The caller
     * holds the user's lock, so no other use, and no removal of the registration, can come
     * between this check and the commit.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean recordIfUnused(UserId user, Factor factor, Instant registeredAt, long step, Instant at,
                                  String credential, CodeFailures.Range failures) {
        return work(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into code_use (bucket, identity_id, step, used_at, credential)"
                            + " select ?, r.identity_id, ?, ?, ? from registration r"
                            + " where r.identity_id = ? and r.factor = ? and r.status = 'REGISTERED'"
                            + " and r.created_at = ? and r.last_step < ? and r.failures = 0 and r.last_failure_at is null"
                            + " and " + CodeFailures.NONE
                            + " and not exists (select 1 from code_use u where u.bucket = any (?)"
                            + " and u.identity_id = r.identity_id and u.step >= ? and u.used_at >= r.created_at)")) {
                insert.setLong(1, bucket(at));
                insert.setLong(2, step);
                insert.setObject(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                insert.setString(4, credential);
                insert.setString(5, user.value());
                insert.setString(6, factor.name());
                insert.setObject(7, OffsetDateTime.ofInstant(registeredAt, ZoneOffset.UTC));
                insert.setLong(8, step);
                insert.setArray(9, failures.on(connection));
                insert.setArray(10, buckets(connection, at.minus(RECENT), at));
                insert.setLong(11, step);
                return insert.executeUpdate() == 1;
            }
        });
    }

    /** When the credential {@code credential} of {@code user} last stepped up, if within {@code window}. */
    public Optional<Instant> lastStepUp(UserId user, String credential, Duration window) {
        Instant now = clock.instant();
        return work(connection -> {
            try (PreparedStatement query = connection.prepareStatement("select max(used_at) from code_use"
                    + " where bucket = any (?) and identity_id = ? and credential = ?")) {
                query.setArray(1, buckets(connection, now.minus(window), now));
                query.setString(2, user.value());
                query.setString(3, credential);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    return Optional.ofNullable(row.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
                }
            }
        });
    }

    /** The last use of each of {@code users}' registrations that is still in the log. */
    public Map<String, Instant> lastUses(List<String> users) {
        Instant now = clock.instant();
        return work(connection -> {
            Map<String, Instant> last = new HashMap<>();
            // Only uses of the registration there is now, not of one deleted before it.
            try (PreparedStatement query = connection.prepareStatement("select u.identity_id, max(u.used_at) from code_use u"
                    + " join registration r on r.identity_id = u.identity_id and r.factor = 'TOTP'"
                    + " where u.bucket = any (?) and u.identity_id = any (?) and u.used_at >= r.created_at"
                    + " group by u.identity_id")) {
                query.setArray(1, buckets(connection, now.minus(KEPT), now));
                query.setArray(2, connection.createArrayOf("varchar", users.toArray(String[]::new)));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        last.put(rows.getString(1), rows.getObject(2, OffsetDateTime.class).toInstant());
                    }
                }
            }
            return last;
        });
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("uses of codes older than any validation window", () -> self.fold(due.now()));
        due.clean("code-use log statistics", self::refreshStatistics);
    }

    /**
     * Moves the last use of each registration in the buckets older than {@link #KEPT} into
     * {@code registration.last_used_at}, and deletes those buckets; returns how many uses went.
     */
    @Transactional
    public int fold(Instant now) {
        if (!foldLock()) {
            return 0;
        }
        long before = bucket(now.minus(KEPT));
        // Only uses of the registration there is now count for its last use.
        em.createNativeQuery("update registration set last_used_at = (select max(u.used_at) from code_use u"
                        + " where u.bucket < ?1 and u.identity_id = registration.identity_id"
                        + " and u.used_at >= registration.created_at)"
                        + " where identity_id in (select identity_id from code_use where bucket < ?1)"
                        + " and (last_used_at is null or last_used_at < (select max(u.used_at) from code_use u"
                        + " where u.bucket < ?1 and u.identity_id = registration.identity_id"
                        + " and u.used_at >= registration.created_at))")
                .setParameter(1, before)
                .executeUpdate();
        return em.createNativeQuery("delete from code_use where bucket < ?1")
                .setParameter(1, before)
                .executeUpdate();
    }

    /** Has PostgreSQL sample this log again if it changed much ({@link #analyze}); returns 0. */
    @Transactional
    public int refreshStatistics() {
        analyze("code_use");
        return 0;
    }

    /**
     * Has PostgreSQL sample a log's rows again (its statistics, and with them the plans cached
     * on them) once more of its rows changed since the last sample than autovacuum's default
     * threshold (50 and a tenth of the rows), as autovacuum would; nothing if another instance
     * is folding, or on H2 (which plans each statement on its own). The logs grow from nothing
     * within minutes, and a connection's statements keep the plan made for their first
     * executions: made on a log of a few rows, that plan reads the whole table, and so it stays
     * where autovacuum is off or slow, while the log grows to thousands of rows (a bench with
     * autovacuum off: 4 ms of PostgreSQL CPU per step-up at 10 000 users). New statistics make
     * every connection plan again, with the index.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void analyze(String log) {
        if (!locksInStatements() || !foldLock()) {
            return;
        }
        work(connection -> {
            try (PreparedStatement changed = connection.prepareStatement("select s.n_mod_since_analyze > 50 + 0.1 *"
                    + " greatest(c.reltuples, 0) from pg_stat_user_tables s join pg_class c on c.oid = s.relid"
                    + " where s.relid = cast(? as regclass)")) {
                changed.setString(1, log);
                try (ResultSet row = changed.executeQuery()) {
                    if (!row.next() || !row.getBoolean(1)) {
                        return null;
                    }
                }
            }
            try (Statement analyze = connection.createStatement()) {
                // A manual VACUUM holds the log's lock for long: skip this round rather than wait.
                analyze.execute("set local lock_timeout = '1s'");
                analyze.execute("analyze " + log);
            }
            return null;
        });
    }

    /**
     * Takes the lock of the folds into registration rows (this log's and {@link CodeFailures}'),
     * until the transaction ends; false if another instance holds it. Folds on several instances
     * at the same moment would update the same rows in different orders and deadlock: one folds,
     * the others skip until the next tick. H2 has one instance: always true.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean foldLock() {
        return work(connection -> {
            if (!locksInStatements()) {
                return true;
            }
            try (PreparedStatement lock = connection.prepareStatement("select " + TRY_LOCK)) {
                lock.setInt(1, FOLD_LOCK_CLASS);
                lock.setInt(2, 0);
                try (ResultSet row = lock.executeQuery()) {
                    row.next();
                    return row.getBoolean(1);
                }
            }
        });
    }

    static long bucket(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), BUCKET_SECONDS);
    }

    /** The ids of {@code users}, as a statement's array parameter on {@code connection}. */
    static Array ids(Connection connection, Collection<UserId> users) throws SQLException {
        return connection.createArrayOf("varchar", users.stream().map(UserId::value).toArray());
    }

    /** The buckets that uses between {@code from} and {@code to} (give or take the clocks' skew) lie in. */
    static Array buckets(Connection connection, Instant from, Instant to) throws SQLException {
        Long[] buckets = LongStream.rangeClosed(bucket(from.minus(SKEW)), bucket(to.plus(SKEW)))
                .boxed()
                .toArray(Long[]::new);
        return connection.createArrayOf("bigint", buckets);
    }

    private <T> T work(Work<T> work) {
        return em.unwrap(Session.class).doReturningWork(work::run);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
