package dev.stepup.authentication.control;

import dev.stepup.authentication.entity.SignInThrottle;
import dev.stepup.otp.control.ThrottlePolicy;
import dev.stepup.platform.control.HousekeepingDue;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.Session;

/**
 * The throttle state of failed web sign-ins, per username as typed: a name that belongs to no
 * user is counted and refused exactly like one that does, so the answers tell nothing about
 * which usernames exist. Each sign-in holds its name's row locked while the password is
 * checked, so concurrent guesses at one name are counted one after another on every instance.
 */
@ApplicationScoped
public class SignInThrottles {

    /** Failures are forgotten after this long without one (or the longest wait, if longer). */
    static final Duration MEMORY = Duration.ofHours(24);

    /** Rounds of making a name's row and locking it, should it be gone or not yet visible. */
    static final int ROUNDS = 5;

    /** What losing the race to make a row looks like: a unique key violation, on both databases. */
    private static final String LOST_RACE = "23505";

    @PersistenceContext
    EntityManager em;

    @Inject
    ThrottlePolicy throttle;

    /** This bean through its proxy, so that {@link #make} and {@link #purgeQuiet} get their own transactions. */
    @Inject
    SignInThrottles self;

    /**
     * Makes the row of {@code username} if there is none, in a transaction of its own that
     * commits at once, so that concurrent sign-ins can lock it. The insert goes through JDBC,
     * so that losing the race to another sign-in is one quiet {@link AlreadyMade} (which rolls
     * this transaction back), not an error Hibernate would log.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void make(String username) {
        String nameHash = nameHash(username);
        if (em.find(SignInThrottle.class, nameHash) != null) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into sign_in_throttle (name_hash, failures) values (?, 0)")) {
                insert.setString(1, nameHash);
                insert.executeUpdate();
            } catch (SQLException e) {
                if (LOST_RACE.equals(e.getSQLState())) {
                    throw new AlreadyMade();
                }
                throw new PersistenceException("Could not make a sign-in throttle row", e);
            }
        });
    }

    /** {@link #make}, where a concurrent sign-in making the same row first is as good. */
    public void ensure(String username) {
        try {
            self.make(username);
        } catch (AlreadyMade e) {
            // A concurrent sign-in with the same name made it; the attempt locks theirs.
        }
    }

    /** The row of {@code username}, locked until the transaction ends; empty if there is none. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<SignInThrottle> lock(String username) {
        return Optional.ofNullable(em.find(SignInThrottle.class, nameHash(username), LockModeType.PESSIMISTIC_WRITE));
    }

    /** After a successful sign-in: the name starts again at no failures. */
    public void clear(SignInThrottle row) {
        em.remove(row);
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("sign-in names without a failure for a day", () -> self.purgeQuiet(due.now()));
    }

    /** Removes the rows of names without a failure for a day (or the longest wait) before {@code now}. */
    @Transactional
    public int purgeQuiet(Instant now) {
        Duration memory = MEMORY.compareTo(throttle.maxDelay()) >= 0 ? MEMORY : throttle.maxDelay();
        return em.createQuery("delete from SignInThrottle t where t.lastFailureAt is null or t.lastFailureAt < :before")
                .setParameter("before", now.minus(memory))
                .executeUpdate();
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

    private static String nameHash(String username) {
        return Secrets.sha256("sign-in:" + username);
    }

    /** The insert lost to a concurrent one; the transaction it ran in is rolled back. */
    static final class AlreadyMade extends RuntimeException {
        AlreadyMade() {
            super("The sign-in throttle row exists already", null, false, false);
        }
    }
}
