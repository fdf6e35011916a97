package dev.stepup.registration.control;

import dev.stepup.identity.control.ApiTokens;
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
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * Checks the TOTP codes of many users in one transaction (a group commit), on PostgreSQL:
 * while one transaction checks codes, the codes that arrive meanwhile wait, and the first of
 * them then checks them all (up to {@link #MOST_WAITING}) in the next. A transaction takes the
 * users' locks ({@link CodeUses#TRY_LOCKS}) and reads their registrations in a statement after
 * that (so no read is older than the previous holder's commit), both in one round trip; for a
 * step-up known only by its API token ({@link Attempt#byToken}) the same round trip takes the
 * lock of the token's owner and reads the token, and a token refused ends its attempt there;
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
    private final Grouped<Attempt, Answer> batches =
            new Grouped<>("codes", MOST_WAITING, attempts -> self.checkAll(attempts));

    /**
     * A TOTP code of {@code user}'s, checked for {@code actor} at {@code at}, from the client
     * address {@code sourceIp}; a step-up's right code opens the window of {@code credential}
     * (its key), if given. An attempt {@link #byToken} names neither actor nor user: its
     * {@code token} does, as the batch reads it.
     */
    public record Attempt(UserId actor, UserId user, Purpose purpose, Otp otp, String credential, Instant at,
                          String sourceIp, ByToken token) {

        public Attempt(UserId actor, UserId user, Purpose purpose, Otp otp, String credential, Instant at,
                       String sourceIp) {
            this(actor, user, purpose, otp, credential, at, sourceIp, null);
        }

        /**
         * A step-up's code of the caller whose API token has the hash {@code tokenHash}, if
         * {@code admits} the token's identity's roles: the batch reads the token in the round
         * trip that takes the users' locks, so the request needs no read of its own before.
         */
        public static Attempt byToken(String tokenHash, Predicate<Set<String>> admits, Otp otp, Instant at,
                                      String sourceIp) {
            // A token's credential key, whose window a right code opens, is its stored hash (Credential.token).
            return new Attempt(null, null, Purpose.STEP_UP, otp, tokenHash, at, sourceIp, new ByToken(tokenHash, admits));
        }
    }

    /** The API token an attempt came with, and which of its identity's roles may step up here. */
    public record ByToken(String hash, Predicate<Set<String>> admits) {
    }

    /** What a batch made of an attempt. */
    public sealed interface Answer {

        /** The attempt's token is unknown or expired, or its identity not active: its code was not checked. */
        record Unauthenticated() implements Answer {
        }

        /** The token's identity ({@code caller}) may not step up here: its code was not checked. */
        record Forbidden(ApiTokens.Authenticated caller) implements Answer {
        }

        /**
         * The code's answer, or empty if the batch left it for its caller to check alone; the
         * identity its token named, for an attempt {@link Attempt#byToken} (null for another).
         */
        record Checked(ApiTokens.Authenticated caller, Optional<Verification> verification) implements Answer {
        }
    }

    /** Whether codes go through batches here: PostgreSQL, and not turned off. */
    public boolean applies() {
        return enabled && uses.locksInStatements();
    }

    /**
     * Checks {@code attempt} in a batch: its answer once that batch has committed, or empty if
     * no batch ran it (too many waiting, or the batch failed), for the caller to do all itself.
     */
    public Optional<Answer> check(Attempt attempt) {
        // A batch that fails was rolled back, or (rarely) committed with an unknown outcome: each
        // code is then checked on its own, which may count such a wrong code twice, never use a code twice.
        return batches.run(attempt);
    }

    /** One batch, in a transaction of its own: each attempt's answer, empty where no batch ran. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Optional<Answer>> checkAll(List<Attempt> attempts) {
        Set<UserId> known = new HashSet<>();
        List<String> hashes = new ArrayList<>();
        for (Attempt attempt : attempts) {
            if (attempt.token() == null) {
                known.add(attempt.user());
            } else {
                hashes.add(attempt.token().hash());
            }
        }
        Instant now = clock.instant();
        Read read = lockAndRead(new ArrayList<>(known), hashes, now);
        List<Optional<Answer>> answers = new ArrayList<>();
        List<UserId> failed = new ArrayList<>();
        List<CodeUses.Use> used = new ArrayList<>();
        List<OtpsVerified.Checked> lines = new ArrayList<>();
        Set<UserId> seen = new HashSet<>();
        for (Attempt given : attempts) {
            ApiTokens.Authenticated caller = null;
            Attempt attempt = given;
            if (given.token() != null) {
                Optional<ApiTokens.Authenticated> named = ApiTokens.check(given.token().hash(),
                        read.tokens().get(given.token().hash()), now);
                if (named.isEmpty()) {
                    answers.add(Optional.of(new Answer.Unauthenticated()));
                    continue;
                }
                caller = named.get();
                if (!given.token().admits().test(caller.roles())) {
                    answers.add(Optional.of(new Answer.Forbidden(caller)));
                    continue;
                }
                attempt = new Attempt(caller.id(), caller.id(), given.purpose(), given.otp(), given.credential(),
                        given.at(), given.sourceIp());
            }
            CodeVerifier.State state = seen.add(attempt.user()) ? read.states().get(attempt.user()) : null;
            Optional<Verification> answer = state == null ? Optional.empty() : decide(attempt, state, now);
            answers.add(Optional.of(new Answer.Checked(caller, answer)));
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

    /** The statements of {@link #lockAndRead} for users known by their ids. */
    private static final String LOCK_AND_READ = CodeUses.TRY_LOCKS + "; select r.identity_id, "
            + CodeVerifier.stateColumns(true) + " from registration r where r.identity_id = any (?) and r.factor = 'TOTP'";

    /** The statements of {@link #lockAndRead} for users known by their ids and by their API tokens. */
    private static final String LOCK_AND_READ_WITH_TOKENS = CodeUses.tryLocksAlso(ApiTokens.OWNERS) + "; "
            + ApiTokens.READ + "; select r.identity_id, " + CodeVerifier.stateColumns(true) + " from registration r"
            + " where r.identity_id = any (array_cat(cast(? as varchar[]), array(" + ApiTokens.OWNERS + ")))"
            + " and r.factor = 'TOTP'";

    /** What a batch's first round trip read: the tokens by hash, and the states of the users whose locks it took. */
    private record Read(Map<String, ApiTokens.Found> tokens, Map<UserId, CodeVerifier.State> states) {
    }

    /**
     * Takes the locks of those of {@code users}, and of the owners of the API tokens of
     * {@code hashes}, that it can without waiting; reads those tokens; and reads the TOTP
     * registrations of the users whose locks it took, with their recent uses and failures:
     * statements sent in one round trip, the reads after the locks. PostgreSQL gives each
     * statement of a transaction at read committed a snapshot of its own, taken when it
     * starts, so the reads see every commit of a lock's previous holder (a lock is released
     * after its transaction's commit is visible). The registrations' read covers all the users
     * (it cannot see which locks the first statement took); the rows of users whose lock was
     * not taken are left out.
     */
    private Read lockAndRead(List<UserId> users, List<String> hashes, Instant now) {
        CodeFailures.Range range = failures.range(now);
        boolean byToken = !hashes.isEmpty();
        String sql = byToken ? LOCK_AND_READ_WITH_TOKENS : LOCK_AND_READ;
        return em.unwrap(Session.class).doReturningWork(connection -> {
            Map<UserId, CodeVerifier.State> states = new HashMap<>();
            Map<String, ApiTokens.Found> tokens = Map.of();
            try (PreparedStatement all = connection.prepareStatement(sql)) {
                int index = CodeUses.bindLocks(all, 1, users);
                if (byToken) {
                    index = ApiTokens.bindHashes(all, index, hashes);
                    index = ApiTokens.bindHashes(all, index, hashes);
                }
                index = CodeVerifier.bindState(all, index, now, range, true);
                all.setArray(index++, CodeUses.ids(connection, users));
                if (byToken) {
                    ApiTokens.bindHashes(all, index, hashes);
                }
                // All of the locks' rows at once: fetched in parts (a defaultRowFetchSize in the
                // database URL), the reads would start before the last locks were tried.
                all.setFetchSize(0);
                all.execute();
                Set<UserId> locked;
                try (ResultSet rows = all.getResultSet()) {
                    locked = CodeUses.locked(rows);
                }
                if (byToken) {
                    try (ResultSet rows = next(all)) {
                        tokens = ApiTokens.read(rows);
                    }
                }
                try (ResultSet rows = next(all)) {
                    while (rows.next()) {
                        UserId user = new UserId(rows.getString(1));
                        if (locked.contains(user)) {
                            states.put(user, CodeVerifier.state(rows, 2, true, range));
                        }
                    }
                }
            }
            return new Read(tokens, states);
        });
    }

    /** The next statement's rows of {@code statement}. */
    private static ResultSet next(PreparedStatement statement) throws SQLException {
        if (!statement.getMoreResults()) {
            throw new IllegalStateException("A read of the batch gave no result");
        }
        return statement.getResultSet();
    }
}
