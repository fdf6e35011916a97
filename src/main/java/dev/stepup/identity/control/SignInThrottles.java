package dev.stepup.identity.control;

import dev.stepup.identity.entity.SignInThrottle;
import dev.stepup.otp.control.ThrottlePolicy;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
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

    /** Rounds of making a name's row and locking it, should housekeeping remove it in between. */
    private static final int ROUNDS = 3;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    ThrottlePolicy throttle;

    /** This bean through its proxy, so that {@link #create} gets its own transaction. */
    @Inject
    SignInThrottles self;

    /** The row of {@code username}, made if there is none, locked until the transaction ends. */
    @Transactional(Transactional.TxType.MANDATORY)
    public SignInThrottle lock(String username) {
        String nameHash = Secrets.sha256("sign-in:" + username);
        for (int round = 0; round < ROUNDS; round++) {
            SignInThrottle row = em.find(SignInThrottle.class, nameHash, LockModeType.PESSIMISTIC_WRITE);
            if (row != null) {
                return row;
            }
            try {
                self.create(nameHash);
            } catch (AlreadyMade e) {
                // A concurrent sign-in with the same name made it first; lock theirs.
            }
        }
        throw new ApiException(429, "AU-0429", "Too many sign-ins with this username at once; try again in 1 s",
                null, Map.of("Retry-After", "1"));
    }

    /**
     * Inserts a row with no failures, committed at once so that concurrent sign-ins can lock
     * it. The insert goes through JDBC so that losing the race to another sign-in is one
     * {@link AlreadyMade}, not an error Hibernate would log.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void create(String nameHash) {
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into sign_in_throttle (name_hash, failures) values (?, 0)")) {
                insert.setString(1, nameHash);
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new AlreadyMade();
            }
        });
    }

    /** After a successful sign-in: the name starts again at no failures. */
    public void clear(SignInThrottle row) {
        em.remove(row);
    }

    /** Removes the rows of names without a failure for a day; returns how many. */
    @Transactional
    public int purgeQuiet() {
        Duration memory = MEMORY.compareTo(throttle.maxDelay()) >= 0 ? MEMORY : throttle.maxDelay();
        return em.createQuery("delete from SignInThrottle t where t.lastFailureAt is null or t.lastFailureAt < :before")
                .setParameter("before", clock.instant().minus(memory))
                .executeUpdate();
    }

    /** The insert lost to a concurrent one; the transaction it ran in is rolled back. */
    static final class AlreadyMade extends RuntimeException {
        AlreadyMade() {
            super("The sign-in throttle row exists already", null, false, false);
        }
    }
}
