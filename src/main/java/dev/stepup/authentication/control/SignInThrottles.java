package dev.stepup.authentication.control;

import dev.stepup.authentication.entity.SignInThrottle;
import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.ThrottlePolicy;
import dev.stepup.platform.control.HousekeepingDue;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * The throttle state of failed web sign-ins, per username as typed: a name that belongs to no
 * user is counted and refused exactly like one that does, so the answers tell nothing about
 * which usernames exist. Two rows count each attempt: the (name, client address) row, with
 * the code throttle's threshold, and the name-wide row, with a much higher one
 * ({@code stepup.throttle.name.threshold}), so that a guesser elsewhere cannot keep the user
 * out. A sign-in holds both rows locked, always in the order of their keys, while the
 * password is checked, so concurrent guesses at one name are counted one after another on
 * every instance.
 */
@ApplicationScoped
public class SignInThrottles {

    /** Failures are forgotten after this long without one (or the longest wait, if longer). */
    static final Duration MEMORY = Duration.ofHours(24);

    /** Rounds of making a name's rows and locking them, should one be gone or not yet visible. */
    static final int ROUNDS = 5;

    /** Rows a housekeeping transaction tells or removes at most. */
    static final int CHUNK = 1_000;

    /** What losing the race to make a row looks like: a unique key violation, on both databases. */
    private static final String LOST_RACE = "23505";

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%]*");

    @PersistenceContext
    EntityManager em;

    @Inject
    ThrottlePolicy throttle;

    @Inject
    Event<SignInsRefused> refusals;

    /** This bean through its proxy, so that {@link #make} and the clean-ups get their own transactions. */
    @Inject
    SignInThrottles self;

    /** Failures of one name from every address before attempts at it must wait. */
    @Inject
    @ConfigProperty(name = "stepup.throttle.name.threshold", defaultValue = "50")
    int nameThreshold;

    /** The most rows housekeeping keeps; beyond them the fewest failures and the oldest go first. */
    @Inject
    @ConfigProperty(name = "stepup.throttle.max.rows", defaultValue = "100000")
    int maxRows;

    /** The two rows an attempt at {@code username} from {@code clientAddress} counts on. */
    public record Keys(String name, String pair, String address) {

        public static Keys of(String username, String clientAddress) {
            String address = addressKey(clientAddress);
            return new Keys(nameKey(username), Secrets.sha256("sign-in-from:" + address + "\n" + username), address);
        }
    }

    /** Both rows of an attempt, locked. */
    public record Locked(SignInThrottle name, SignInThrottle pair) {
    }

    /** The wait of the name-wide row: from {@code stepup.throttle.name.threshold} failures on. */
    public ThrottlePolicy nameWide() {
        return ThrottlePolicy.of(nameThreshold, throttle.maxDelay().toSeconds());
    }

    /**
     * Makes the rows of {@code keys} that do not exist, in a transaction of its own that
     * commits at once, so that concurrent sign-ins can lock them. The inserts go through
     * JDBC, so that losing the race to another sign-in is one quiet {@link AlreadyMade} (which
     * rolls this transaction back), not an error Hibernate would log.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void make(Keys keys) {
        for (String key : ordered(keys)) {
            if (em.find(SignInThrottle.class, key) != null) {
                continue;
            }
            String address = key.equals(keys.pair()) ? keys.address() : null;
            em.unwrap(Session.class).doWork(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "insert into sign_in_throttle (name_hash, client_address, failures, refused) values (?, ?, 0, 0)")) {
                    insert.setString(1, key);
                    insert.setString(2, address);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (LOST_RACE.equals(e.getSQLState())) {
                        throw new AlreadyMade();
                    }
                    throw new PersistenceException("Could not make a sign-in throttle row", e);
                }
            });
        }
    }

    /** {@link #make}, where a concurrent sign-in making the same row first is as good. */
    public void ensure(Keys keys) {
        try {
            self.make(keys);
        } catch (AlreadyMade e) {
            // A concurrent sign-in made one; the attempt locks theirs, or the next round makes the other.
        }
    }

    /**
     * Both rows of {@code keys}, locked until the transaction ends, in the order of their keys
     * (as every sign-in and housekeeping lock them, so that none waits for another in a
     * circle); empty if one is missing.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Locked> lock(Keys keys) {
        SignInThrottle name = null;
        SignInThrottle pair = null;
        for (String key : ordered(keys)) {
            SignInThrottle row = em.find(SignInThrottle.class, key, LockModeType.PESSIMISTIC_WRITE);
            if (row == null) {
                return Optional.empty();
            }
            if (key.equals(keys.name())) {
                name = row;
            } else {
                pair = row;
            }
        }
        return Optional.of(new Locked(name, pair));
    }

    /**
     * Tells the refusals of a wait that is over at {@code now} (by {@code policy}): one
     * {@link SignInsRefused} with their number, in the caller's transaction, and the row
     * counts afresh.
     */
    public void tellIfOver(SignInThrottle row, ThrottlePolicy policy, Instant now) {
        if (row.refused() > 0 && policy.remaining(row.failures(), row.lastFailureAt(), now).isZero()) {
            tell(row);
        }
    }

    private void tell(SignInThrottle row) {
        refusals.fire(new SignInsRefused(row.targetId() == null ? null : new UserId(row.targetId()), row.refused(),
                row.refusedSince(), row.waitUntil(), row.clientAddress()));
        row.refusalsTold();
    }

    /** After a successful sign-in: the (name, address) row starts again at no failures. */
    public void clear(SignInThrottle row) {
        em.remove(row);
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("sign-in waits told to the audit trail", () -> self.tellEndedWaits(due.now()));
        due.clean("sign-in names without a failure for a day", () -> self.purgeQuiet(due.now()));
        due.clean("sign-in throttle rows beyond stepup.throttle.max.rows", () -> self.evictBeyondMax());
    }

    /**
     * Tells the refusals of waits that ended before {@code now} and that no attempt has told
     * yet (at most {@link #CHUNK} a run). Each row is locked and read afresh first, in key
     * order, so a sign-in telling the same wait at the same moment, on any instance, makes
     * only one line of it.
     */
    @Transactional
    public int tellEndedWaits(Instant now) {
        List<String> keys = em.createQuery("select t.nameHash from SignInThrottle t where t.refused > 0"
                        + " and t.waitUntil <= :now order by t.nameHash", String.class)
                .setParameter("now", now)
                .setMaxResults(CHUNK)
                .getResultList();
        int told = 0;
        for (String key : keys) {
            SignInThrottle row = em.find(SignInThrottle.class, key, LockModeType.PESSIMISTIC_WRITE);
            if (row != null && row.refused() > 0 && row.waitUntil() != null && !row.waitUntil().isAfter(now)) {
                tell(row);
                told++;
            }
        }
        return told;
    }

    /**
     * Removes the rows without a failure for a day (or the longest wait) before {@code now},
     * unless their refusals are still to be told; in key order, a chunk a transaction.
     */
    @Transactional
    public int purgeQuiet(Instant now) {
        Duration memory = MEMORY.compareTo(throttle.maxDelay()) >= 0 ? MEMORY : throttle.maxDelay();
        String quiet = "t.refused = 0 and (t.lastFailureAt is null or t.lastFailureAt < :before)";
        List<String> keys = em.createQuery("select t.nameHash from SignInThrottle t where " + quiet + " order by t.nameHash",
                        String.class)
                .setParameter("before", now.minus(memory))
                .setMaxResults(CHUNK * 10)
                .getResultList();
        return delete(keys, quiet, now.minus(memory));
    }

    /**
     * Keeps at most {@code stepup.throttle.max.rows} rows: beyond them, the rows with the
     * fewest failures and the oldest last failure go first (made-up names guessed once
     * before those of a name under attack), never one whose refusals are still to be told.
     */
    @Transactional
    public int evictBeyondMax() {
        long rows = em.createQuery("select count(t) from SignInThrottle t", Long.class).getSingleResult();
        if (rows <= maxRows) {
            return 0;
        }
        List<String> keys = new ArrayList<>(em.createQuery("select t.nameHash from SignInThrottle t where t.refused = 0"
                        + " order by t.failures, t.lastFailureAt, t.nameHash", String.class)
                .setMaxResults((int) Math.min(rows - maxRows, CHUNK * 10L))
                .getResultList());
        keys.sort(null);
        return delete(keys, "t.refused = 0", null);
    }

    /**
     * Deletes the rows of {@code keys} (in key order) in chunks, each only if it still meets
     * {@code condition} (a sign-in may have counted on it since it was chosen); returns how
     * many went.
     */
    private int delete(List<String> keys, String condition, Instant before) {
        int deleted = 0;
        for (int from = 0; from < keys.size(); from += CHUNK) {
            var delete = em.createQuery("delete from SignInThrottle t where t.nameHash in :keys and " + condition)
                    .setParameter("keys", keys.subList(from, Math.min(keys.size(), from + CHUNK)));
            if (before != null) {
                delete.setParameter("before", before);
            }
            deleted += delete.executeUpdate();
        }
        return deleted;
    }

    /** A short wait before the next round, longer each time; false if interrupted. */
    static boolean pause(int round) {
        try {
            Thread.sleep(10L * (round + 1));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The name-wide row's key: the same as the single row of schema version 8. */
    static String nameKey(String username) {
        return Secrets.sha256("sign-in:" + username);
    }

    /**
     * The address a (name, address) row counts: an IPv4 address as it is, an IPv6 address as
     * its /64 (one subscriber's network, within which addresses cost nothing), an IPv4-mapped
     * IPv6 address as IPv4. Anything else (no literal address) as it is, without control
     * characters (a newline separates address and name in the row's key), cut to 64 characters.
     */
    static String addressKey(String address) {
        if (address == null || address.isBlank()) {
            return "unknown";
        }
        String bare = address.strip();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        if (IP_LITERAL.matcher(bare).matches()) {
            try {
                // A literal: no name is looked up.
                InetAddress parsed = InetAddress.getByName(bare);
                if (parsed instanceof Inet6Address) {
                    byte[] bytes = parsed.getAddress();
                    StringBuilder prefix = new StringBuilder();
                    for (int i = 0; i < 8; i += 2) {
                        prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
                    }
                    return prefix.append(":/64").toString();
                }
                return parsed.getHostAddress();
            } catch (UnknownHostException e) {
                // not a literal after all
            }
        }
        String plain = bare.replaceAll("\\p{Cntrl}", "?");
        return plain.length() > 64 ? plain.substring(0, 64) : plain;
    }

    private static List<String> ordered(Keys keys) {
        return keys.name().compareTo(keys.pair()) < 0 ? List.of(keys.name(), keys.pair()) : List.of(keys.pair(), keys.name());
    }

    /** The insert lost to a concurrent one; the transaction it ran in is rolled back. */
    static final class AlreadyMade extends RuntimeException {
        AlreadyMade() {
            super("The sign-in throttle row exists already", null, false, false);
        }
    }
}
