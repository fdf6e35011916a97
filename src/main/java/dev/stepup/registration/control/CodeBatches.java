package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.Otp;
import dev.stepup.otp.control.ThrottlePolicy;
import dev.stepup.otp.control.TotpCodes;
import dev.stepup.otp.control.Verification;
import dev.stepup.platform.control.Grouped;
import dev.stepup.platform.control.RoundTrip;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import dev.stepup.registration.entity.StepUpFactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * Checks the TOTP codes of many users in one transaction (a group commit), on PostgreSQL:
 * while one transaction checks codes, the codes that arrive meanwhile wait, and the first of
 * them then checks them all (up to {@link #MOST_WAITING}) in the next. A transaction takes the
 * users' locks ({@link CodeUses#TRY_LOCKS}) and reads their registrations in a statement after
 * that (so no read is older than the previous holder's commit), both in one round trip;
 * matches each code; and in one more round trip ({@link RoundTrip}) records the step-ups'
 * codes ({@link CodeUses#recordAll}), counts the wrong ones ({@link CodeFailures#recordAll})
 * and writes the audit lines (the observers of {@link OtpsVerified}). Each request waits for
 * the commit before its answer, so every code is counted before it is told.
 *
 * <p>It settles a wrong code, and a right one of a step-up that changes no registration row
 * (no failures to forget) under the current key. The rest comes back unsettled, for
 * {@link CodeVerifier} to check on its own: a user's lock held elsewhere, a second code of the
 * user in the batch, a wait imposed, no registration that applies, a code of the wrong length,
 * a deletion's right code, more codes waiting than {@link #MOST_WAITING}, a transaction that
 * failed. The batch commits before the caller's own transaction, whatever that does next.
 */
@ApplicationScoped
public class CodeBatches {

    /**
     * The most codes waiting, and so the most one transaction checks: each waiting request may
     * hold a pooled connection of its own transaction, and the one that checks needs another,
     * from the pool of {@code Database} (32); beyond this, a code is checked on its own.
     */
    static final int MOST_WAITING = 16;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    ThrottlePolicy throttle;

    @Inject
    SecretCipher cipher;

    @Inject
    CodeUses uses;

    @Inject
    CodeFailures failures;

    @Inject
    CodeVerifier verifier;

    @Inject
    Event<OtpsVerified> verified;

    /** This bean through its proxy, so that each batch gets a transaction of its own. */
    @Inject
    CodeBatches self;

    /** Off: every code is checked in its request's own transaction, as on H2. */
    @Inject
    @ConfigProperty(name = "stepup.verify.batches", defaultValue = "true")
    boolean enabled;

    /** The codes waiting, and the one transaction that checks them. */
    private final Grouped<Attempt, Verification> batches =
            new Grouped<>("codes", MOST_WAITING, attempts -> self.checkAll(attempts));

    /**
     * A TOTP code of {@code user}'s, checked for {@code actor} at {@code at}, from the client
     * address {@code sourceIp}; a step-up's right code opens the window of {@code credential}
     * (its key), if given.
     */
    public record Attempt(UserId actor, UserId user, Purpose purpose, Otp otp, String credential, Instant at,
                          String sourceIp) {
    }

    /** Whether codes go through batches here: PostgreSQL, and not turned off. */
    public boolean applies() {
        return enabled && uses.locksInStatements();
    }

    /**
     * Checks {@code attempt} in a batch: its answer once that batch has committed, or empty if
     * the batch did not settle it, for the caller to check it on its own.
     */
    public Optional<Verification> check(Attempt attempt) {
        // A batch that fails was rolled back, or (rarely) committed with an unknown outcome: each
        // code is then checked on its own, which may count such a wrong code twice, never use a code twice.
        return batches.run(attempt);
    }

    /** One batch, in a transaction of its own: each attempt's answer, empty where unsettled. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Optional<Verification>> checkAll(List<Attempt> attempts) {
        List<UserId> users = new ArrayList<>(new HashSet<>(attempts.stream().map(Attempt::user).toList()));
        Instant now = clock.instant();
        Map<UserId, CodeVerifier.State> states = lockAndRead(users, now);
        List<Optional<Verification>> answers = new ArrayList<>();
        List<UserId> failed = new ArrayList<>();
        List<CodeUses.Use> used = new ArrayList<>();
        List<OtpsVerified.Checked> lines = new ArrayList<>();
        Set<UserId> seen = new HashSet<>();
        for (Attempt attempt : attempts) {
            CodeVerifier.State state = seen.add(attempt.user()) ? states.get(attempt.user()) : null;
            Optional<Verification> answer = state == null ? Optional.empty() : decide(attempt, state, now);
            answers.add(answer);
            if (answer.isEmpty()) {
                continue;
            }
            OtpVerified.Outcome outcome;
            if (answer.get() instanceof Verification.Accepted accepted) {
                used.add(new CodeUses.Use(attempt.user(), accepted.step(), now, attempt.credential()));
                outcome = OtpVerified.Outcome.SUCCESS;
            } else {
                failed.add(attempt.user());
                outcome = ((Verification.Rejected) answer.get()).replayed()
                        ? OtpVerified.Outcome.REPLAYED : OtpVerified.Outcome.FAILED;
            }
            lines.add(new OtpsVerified.Checked(new OtpVerified(attempt.actor(), attempt.user(), attempt.purpose(),
                    StepUpFactor.TOTP, outcome), attempt.at(), attempt.sourceIp()));
        }
        RoundTrip writes = new RoundTrip();
        if (!used.isEmpty()) {
            uses.recordAll(used, writes);
        }
        RoundTrip.Count counted = failed.isEmpty() ? null : failures.recordAll(failed, now, writes);
        if (!lines.isEmpty()) {
            verified.fire(new OtpsVerified(lines, writes));
        }
        em.unwrap(Session.class).doWork(writes::run);
        if (counted != null && counted.rows() != failed.size()) {
            // A registration went without its user's lock: keep nothing, and let each be checked alone.
            throw new IllegalStateException("Registrations changed while their users' locks were held");
        }
        return answers;
    }

    /**
     * The answer to {@code attempt} on {@code state}, read holding the user's lock: a wrong code
     * is rejected (to be counted), a right one of a step-up accepted (to be used) if that
     * changes no registration row; empty for anything else.
     */
    private Optional<Verification> decide(Attempt attempt, CodeVerifier.State state, Instant now) {
        if (!verifier.applies(state, attempt.purpose(), now)
                || attempt.otp().digits().length() != state.parameters().digits()
                || !throttle.remaining(state.failures(), state.lastFailureAt(), now).isZero()) {
            return Optional.empty();
        }
        TotpCodes.Match match = CodeVerifier.match(cipher, attempt.user(), Factor.TOTP, state, attempt.otp(), now);
        if (!match.accepted()) {
            return Optional.of(new Verification.Rejected(match.replayed()));
        }
        if (attempt.purpose() == Purpose.STEP_UP && !CodeVerifier.changesRow(attempt.purpose(), state)
                && cipher.isCurrent(state.keyId())) {
            return Optional.of(new Verification.Accepted(match.step()));
        }
        return Optional.empty();
    }

    /**
     * Takes the locks of those of {@code users} it can without waiting, and reads the TOTP
     * registrations of those it took, with their recent uses and failures: two statements sent
     * in one round trip, the read after the locks. PostgreSQL gives each statement of a
     * transaction at read committed a snapshot of its own, taken when it starts, so the read
     * sees every commit of a lock's previous holder (a lock is released after its transaction's
     * commit is visible). The read covers all of {@code users} (it cannot see which locks the
     * first statement took); the rows of users whose lock was not taken are left out.
     */
    private Map<UserId, CodeVerifier.State> lockAndRead(List<UserId> users, Instant now) {
        CodeFailures.Range range = failures.range(now);
        return em.unwrap(Session.class).doReturningWork(connection -> {
            Map<UserId, CodeVerifier.State> states = new HashMap<>();
            try (PreparedStatement both = connection.prepareStatement(CodeUses.TRY_LOCKS + "; select r.identity_id, "
                    + CodeVerifier.stateColumns(true) + " from registration r where r.identity_id = any (?)"
                    + " and r.factor = 'TOTP'")) {
                int index = CodeUses.bindLocks(both, 1, users);
                index = CodeVerifier.bindState(both, index, now, range, true);
                both.setArray(index, CodeUses.ids(connection, users));
                // All of the locks' rows at once: fetched in parts (a defaultRowFetchSize in the
                // database URL), the read would start before the last locks were tried.
                both.setFetchSize(0);
                both.execute();
                Set<UserId> locked;
                try (ResultSet rows = both.getResultSet()) {
                    locked = CodeUses.locked(rows);
                }
                if (!both.getMoreResults()) {
                    throw new IllegalStateException("The read of the registrations gave no result");
                }
                try (ResultSet rows = both.getResultSet()) {
                    while (rows.next()) {
                        UserId user = new UserId(rows.getString(1));
                        if (locked.contains(user)) {
                            states.put(user, CodeVerifier.state(rows, 2, true, range));
                        }
                    }
                }
            }
            return states;
        });
    }
}
