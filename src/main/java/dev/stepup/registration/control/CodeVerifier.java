package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.HashFunction;
import dev.stepup.otp.control.Otp;
import dev.stepup.otp.control.ThrottlePolicy;
import dev.stepup.otp.control.TotpCodes;
import dev.stepup.otp.control.TotpParameters;
import dev.stepup.otp.control.Verification;
import dev.stepup.platform.control.Transport;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import dev.stepup.registration.entity.StepUpFactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.hibernate.Session;

/**
 * The one verifier behind {@code VERIFY}, the delete credential, step-up and recovery: it checks
 * TOTP codes and recovery codes, against the throttle state both share.
 *
 * <p>Every check holds the user's lock ({@link CodeUses#tryLock}) while it decides and writes,
 * so that the attempts at one user's codes happen one after the other on every instance. For a
 * TOTP code on PostgreSQL, one statement takes the lock and reads the registration, the time
 * steps used lately ({@link CodeUses}) and the failures counted lately ({@link CodeFailures});
 * a recovery code, and any code on H2 (the registration row's lock), takes the lock first, by
 * a statement of its own. Once the failures impose a wait, a second read adds when the last of
 * them was. The code is matched locally. A wrong code is counted by adding a
 * failure to {@link CodeFailures}, a matching TOTP code is used by appending its time step to
 * {@link CodeUses} (a confirmation, or a success after failures, updates the row as well and
 * forgets the failures), a recovery code by deleting its row. The statement that took the lock
 * may have read from before the previous holder's commit, so a TOTP code's writes check, in
 * their own statements, that the registration and the failure counts are still those read and
 * that no code of the step or later was used since, and an answer that writes nothing is given
 * on a state read again; otherwise the check runs again on the fresh state. Every attempt is
 * counted before its result is told.
 *
 * <p>On PostgreSQL a TOTP code is first checked together with other users' codes that arrive
 * meanwhile, in one transaction for them all ({@link CodeBatches}); only what that does not
 * settle is checked as above.
 */
@ApplicationScoped
public class CodeVerifier {

    /** Rounds of re-reading after losing a race before telling the caller to retry. */
    static final int MAX_ROUNDS = 8;

    /** The time step a recovery code's use is recorded with: none. */
    static final long RECOVERY_STEP = -1;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    ThrottlePolicy throttle;

    @Inject
    SecretCipher cipher;

    @Inject
    RecoveryCodes recoveryCodes;

    @Inject
    Event<OtpVerified> verified;

    @Inject
    ChallengeLifetime challenges;

    @Inject
    CodeUses uses;

    @Inject
    CodeFailures failures;

    @Inject
    CodeBatches batches;

    @Inject
    Transport transport;

    /** This bean through its proxy, so that a code checked alone is checked in a transaction. */
    @Inject
    CodeVerifier self;

    /** Checks a TOTP code the user gave. */
    public Verification verify(UserId user, Factor factor, Purpose purpose, String code) {
        return verify(user, user, StepUpFactor.TOTP, purpose, code);
    }

    /**
     * Checks a code of {@code user}'s (a TOTP code, or a recovery code of the TOTP
     * registration) on behalf of {@code actor}: the user, or the verifier service of an
     * application beside StepUp, which the audit names as the actor.
     */
    public Verification verify(UserId actor, UserId user, StepUpFactor kind, Purpose purpose, String code) {
        return verify(actor, user, kind, purpose, code, null);
    }

    /**
     * As {@link #verify(UserId, UserId, StepUpFactor, Purpose, String)}; an accepted code also
     * opens the validation window of the caller's credential {@code credential} (its key), if given.
     * A code that a batch settles ({@link CodeBatches}, in a transaction of its own) needs no
     * other: the rest are checked by {@link #verifyAlone} in the caller's transaction, or in one
     * of their own without.
     */
    public Verification verify(UserId actor, UserId user, StepUpFactor kind, Purpose purpose, String code,
                               String credential) {
        return check(actor, user, kind, purpose, code, credential, true);
    }

    /** As {@link #verify}, in a batch first if {@code batched} and one applies, else alone. */
    private Verification check(UserId actor, UserId user, StepUpFactor kind, Purpose purpose, String code,
                               String credential, boolean batched) {
        Optional<String> given = kind == StepUpFactor.TOTP
                ? Otp.parse(code).map(Otp::digits) : RecoveryCodes.normalize(code);
        if (given.isEmpty()) {
            return new Verification.Malformed();
        }
        if (batched && kind == StepUpFactor.TOTP && purpose != Purpose.CONFIRM_REGISTRATION && batches.applies()) {
            // An attempt that names its user is always answered Checked (the others are for tokens).
            Optional<Verification> settled = batches.check(new CodeBatches.Attempt(actor, user, purpose,
                    new Otp(given.get()), credential, clock.instant(), transport.clientAddress()))
                    .flatMap(answer -> ((CodeBatches.Answer.Checked) answer).verification());
            if (settled.isPresent()) {
                return settled.get();
            }
        }
        return self.verifyAlone(actor, user, kind, purpose, given.get(), credential);
    }

    /**
     * A step-up's TOTP code {@code code} of the caller whose API token has the hash
     * {@code tokenHash}, if {@code admits} the roles of the token's identity: checked in a batch
     * that reads the token in the round trip that takes the users' locks. Empty if that cannot
     * be (the code is malformed, codes are not checked in batches here, or no batch ran it):
     * the caller then authenticates the token on its own, and checks the code alone
     * ({@link #verifyAlone}: a batch that did not run it now would not later either).
     */
    public Optional<CodeBatches.Answer> verifyByToken(String tokenHash, Predicate<Set<String>> admits, String code) {
        Optional<Otp> otp = Otp.parse(code);
        if (otp.isEmpty() || !batches.applies()) {
            return Optional.empty();
        }
        return batches.check(CodeBatches.Attempt.byToken(tokenHash, admits, otp.get(), clock.instant(),
                transport.clientAddress()));
    }

    /**
     * A TOTP code of {@code user}'s checked as {@link #verify} does, but never in a batch: for
     * a code that a batch has just left unsettled, or that {@link #verifyByToken} could not
     * put in one.
     */
    public Verification verifyAlone(UserId actor, UserId user, Purpose purpose, String code, String credential) {
        return check(actor, user, StepUpFactor.TOTP, purpose, code, credential, false);
    }

    /**
     * Checks the well-formed code {@code given} on its own, holding the user's lock: its
     * writes (a use, a failure counted, the audit line) commit together, with the caller's.
     */
    @Transactional
    public Verification verifyAlone(UserId actor, UserId user, StepUpFactor kind, Purpose purpose, String given,
                                    String credential) {
        Factor factor = Factor.TOTP;
        Lock lock = new Lock(user, factor);
        // A recovery code resets the failures without a check of the counts read: its state is
        // read after the lock is taken, by a statement of its own.
        if (kind == StepUpFactor.RECOVERY_CODE && !lock.take()) {
            return new Verification.Throttled(Duration.ofSeconds(1));
        }
        // When the log's last failure was matters only once the failures impose a wait: below
        // that, a round reads without it (the user's rows in the log read once, not twice).
        boolean readLast = false;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Read read = lockAndLoad(user, factor, lock, readLast);
            if (read == null) {
                // Another attempt at this user's codes has held them for a second: answer as a
                // throttle does rather than queue (a flood must not hold a thread each).
                return new Verification.Throttled(Duration.ofSeconds(1));
            }
            Instant now = read.now();
            State state = read.state();
            if (!readLast && state != null && !throttle.delay(state.failures()).isZero()) {
                readLast = true;
                continue;
            }
            Duration wait = state == null ? Duration.ZERO : throttle.remaining(state.failures(), state.lastFailureAt(), now);
            if (read.lockedByRead() && (!applies(state, purpose, now) || !wait.isZero())) {
                // An answer that writes nothing comes from a state read after the lock was taken:
                // the statement that took it may have read from before the last holder's commit.
                continue;
            }
            if (state == null || !applies(state, purpose, now)) {
                return new Verification.NotRegistered();
            }
            if (kind == StepUpFactor.TOTP && given.length() != state.parameters.digits()) {
                return new Verification.Malformed();
            }
            if (!wait.isZero()) {
                verified.fire(new OtpVerified(actor, user, purpose, kind, OtpVerified.Outcome.THROTTLED));
                return new Verification.Throttled(wait);
            }
            Optional<Verification> decided = kind == StepUpFactor.TOTP
                    ? checkTotp(actor, user, factor, purpose, state, new Otp(given), now, credential)
                    : checkRecoveryCode(actor, user, factor, purpose, state, given, now, credential);
            if (decided.isPresent()) {
                return decided.get();
            }
        }
        return new Verification.Throttled(Duration.ofSeconds(1));
    }

    /**
     * A state read, and the time it was read at; {@code state} is null if there is no
     * registration. {@code lockedByRead}: the statement that read it took the user's lock, so it
     * may have read from before the previous holder's commit.
     */
    private record Read(Instant now, State state, boolean lockedByRead) {
    }

    /**
     * The registration's state, read holding the user's lock (taken now if not held yet), and
     * the time of the attempt that took it (a time from before a wait would precede failures
     * counted during it); null if another attempt held the lock for about a second. With
     * {@code last}, the last failure in the log too.
     */
    private Read lockAndLoad(UserId user, Factor factor, Lock lock, boolean last) {
        if (!lock.held && !uses.locksInStatements()) {
            // H2: the registration row's lock, taken before the read.
            if (!lock.take()) {
                return null;
            }
            Instant now = clock.instant();
            return new Read(now, load(user, factor, now, false, last), false);
        }
        for (int attempt = 0; attempt < CodeUses.LOCK_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            boolean taking = !lock.held;
            State state = load(user, factor, now, taking, last);
            if (state == null || state.locked()) {
                lock.held |= state != null;
                return new Read(now, state, taking && state != null);
            }
            try {
                Thread.sleep(CodeUses.LOCK_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** The user's lock ({@link CodeUses#tryLock}), taken at most once per check. */
    private final class Lock {
        private final UserId user;
        private final Factor factor;
        boolean held;

        Lock(UserId user, Factor factor) {
            this.user = user;
            this.factor = factor;
        }

        /** Takes the lock unless held already; false if another attempt held it for a second. */
        boolean take() {
            if (!held) {
                held = uses.tryLock(user, factor);
            }
            return held;
        }
    }

    /**
     * One round of a TOTP code, under the user's lock; empty if the state changed since it was
     * read. A matching code is used only if no code of its step or later was used since, a wrong
     * one is counted only if the counts are still those read.
     */
    private Optional<Verification> checkTotp(UserId actor, UserId user, Factor factor, Purpose purpose, State state,
                                             Otp otp, Instant now, String credential) {
        TotpCodes.Match match = match(cipher, user, factor, state, otp, now);
        if (match.accepted()) {
            if (!accept(user, factor, purpose, state, match.step(), now)) {
                return Optional.empty();
            }
            // The use is recorded only if the registration is still the one read, with no
            // failure counted since (a wrong code counted meanwhile sends this round back to the
            // throttle), and no code of this step or later used since.
            if (purpose != Purpose.CONFIRM_REGISTRATION
                    && !uses.recordIfUnused(user, factor, state.createdAt, match.step(), now, credential,
                    state.failureRange)) {
                if (changesRow(purpose, state)) {
                    // The row was reset on a state the lock kept: nothing else can change it
                    // before the commit, so fail closed rather than keep the reset.
                    throw new IllegalStateException("A registration changed under its user's lock");
                }
                return Optional.empty();
            }
            reencryptIfOld(user, factor, state);
            verified.fire(new OtpVerified(actor, user, purpose, StepUpFactor.TOTP, OtpVerified.Outcome.SUCCESS));
            return Optional.of(new Verification.Accepted(match.step()));
        } else if (countFailure(user, factor, state, now)) {
            verified.fire(new OtpVerified(actor, user, purpose, StepUpFactor.TOTP,
                    match.replayed() ? OtpVerified.Outcome.REPLAYED : OtpVerified.Outcome.FAILED));
            return Optional.of(new Verification.Rejected(match.replayed()));
        }
        return Optional.empty();
    }

    /** Matches {@code otp} against the registration's codes around {@code now}, locally. */
    static TotpCodes.Match match(SecretCipher cipher, UserId user, Factor factor, State state, Otp otp, Instant now) {
        byte[] secret = cipher.open(new SecretCipher.Sealed(state.ciphertext, state.keyId), boundTo(user, factor));
        try {
            return TotpCodes.match(secret, state.parameters, otp, state.parameters.stepAt(now), state.lastStep);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * One round of a recovery code: used up by deleting its row, which one request alone can
     * do; a success resets the failures like a TOTP code's. Empty if another request got there first.
     */
    private Optional<Verification> checkRecoveryCode(UserId actor, UserId user, Factor factor, Purpose purpose,
                                                     State state, String code, Instant now, String credential) {
        Optional<String> matching = recoveryCodes.matching(user, code);
        if (matching.isPresent()) {
            if (recoveryCodes.use(user, matching.get())) {
                em.createQuery("update Registration r set r.failures = 0, r.lastFailureAt = null, r.lastUsedAt = :now"
                                + " where r.identityId = :id and r.factor = :factor")
                        .setParameter("now", now)
                        .setParameter("id", user.value())
                        .setParameter("factor", factor)
                        .executeUpdate();
                failures.forget(user, state.failureRange);
                uses.record(user, RECOVERY_STEP, now, credential);
                verified.fire(new OtpVerified(actor, user, purpose, StepUpFactor.RECOVERY_CODE, OtpVerified.Outcome.SUCCESS));
                return Optional.of(new Verification.Accepted(-1));
            }
        } else if (countFailure(user, factor, state, now)) {
            verified.fire(new OtpVerified(actor, user, purpose, StepUpFactor.RECOVERY_CODE, OtpVerified.Outcome.FAILED));
            return Optional.of(new Verification.Rejected(false));
        }
        return Optional.empty();
    }

    /** The associated data that binds a ciphertext to its registration row. */
    public static String boundTo(UserId user, Factor factor) {
        return user.value() + ":" + factor.name();
    }

    boolean applies(State state, Purpose purpose, Instant now) {
        return switch (purpose) {
            case CONFIRM_REGISTRATION -> state.status == RegistrationStatus.CHALLENGE
                    && challenges.isOpen(state.createdAt, now);
            case DELETE_REGISTRATION, STEP_UP, RECOVER -> state.status == RegistrationStatus.REGISTERED;
        };
    }

    /** Whether accepting a code changes the registration row: a confirmation, or a success after failures. */
    static boolean changesRow(Purpose purpose, State state) {
        return purpose == Purpose.CONFIRM_REGISTRATION || state.failures() != 0 || state.lastFailureAt() != null;
    }

    /**
     * Commits an accepted TOTP code on the registration row, if it must change
     * ({@link #changesRow}): a confirmation changes the status, a success after failures resets
     * their count (the row's, and the log's by deleting the user's failures). Any other success
     * leaves the row alone (its use goes to {@link CodeUses}, appended). False if the row or the
     * log is no longer as read. One conditional update, in plain JDBC: it reads the log.
     */
    private boolean accept(UserId user, Factor factor, Purpose purpose, State state, long step, Instant now) {
        if (!changesRow(purpose, state)) {
            return true;
        }
        // A confirmation's step is kept on the row; any other use's in CodeUses.
        boolean confirm = purpose == Purpose.CONFIRM_REGISTRATION;
        // If a fold holds the row, this update waits for it and then checks the row's new
        // version, but the log's count still on its own snapshot: the row's count, which a fold
        // always raises, is what sends the round back.
        boolean updated = em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement("update registration r set failures = 0,"
                    + " last_failure_at = null, last_used_at = ?"
                    + (confirm ? ", last_step = ?, status = 'REGISTERED', confirmed_at = ?" : "")
                    + " where r.identity_id = ? and r.factor = ? and r.status = ? and r.created_at = ? and r.failures = ?"
                    + " and " + CodeFailures.COUNT + " = ?")) {
                int index = 1;
                update.setObject(index++, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                if (confirm) {
                    update.setLong(index++, step);
                    update.setObject(index++, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                }
                update.setString(index++, user.value());
                update.setString(index++, factor.name());
                update.setString(index++, state.status.name());
                update.setObject(index++, OffsetDateTime.ofInstant(state.createdAt, ZoneOffset.UTC));
                update.setInt(index++, state.rowFailures);
                update.setArray(index++, state.failureRange.on(connection));
                update.setLong(index, state.loggedFailures);
                return update.executeUpdate() == 1;
            }
        });
        if (updated && state.loggedFailures > 0) {
            failures.forget(user, state.failureRange);
        }
        return updated;
    }

    /** Counts a failure, if the registration and its failure counts are still those read. */
    private boolean countFailure(UserId user, Factor factor, State state, Instant now) {
        return failures.record(user, factor, state.createdAt, state.rowFailures, state.loggedFailures,
                state.failureRange, now);
    }

    /** Key rotation: a secret still under the previous key moves to the current one. */
    private void reencryptIfOld(UserId user, Factor factor, State state) {
        if (cipher.isCurrent(state.keyId)) {
            return;
        }
        byte[] secret = cipher.open(new SecretCipher.Sealed(state.ciphertext, state.keyId), boundTo(user, factor));
        SecretCipher.Sealed resealed = cipher.seal(secret, boundTo(user, factor));
        Arrays.fill(secret, (byte) 0);
        em.createQuery("update Registration r set r.secretCiphertext = :ciphertext, r.keyId = :keyId"
                        + " where r.identityId = :id and r.factor = :factor and r.keyId = :oldKeyId")
                .setParameter("ciphertext", resealed.ciphertext())
                .setParameter("keyId", resealed.keyId())
                .setParameter("id", user.value())
                .setParameter("factor", factor)
                .setParameter("oldKeyId", state.keyId)
                .executeUpdate();
    }

    /**
     * The registration's state for one round, with the latest time step of its codes used
     * lately folded in (from {@link CodeUses}' log) and the failures counted lately (from
     * {@link CodeFailures}'), in one statement; with {@code lock}, the statement also tries the
     * user's lock ({@link State#locked}); with {@code last}, it reads when the last failure in
     * the log was (else only the row's). A code is accepted within one step of now, so a use
     * that could still conflict was recorded in the last three steps (at most six minutes), and
     * counts only if made since this registration was.
     */
    private State load(UserId user, Factor factor, Instant now, boolean lock, boolean last) {
        CodeFailures.Range failureRange = failures.range(now);
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement query = connection.prepareStatement("select " + (lock ? CodeUses.TRY_LOCK : "true")
                    + ", " + stateColumns(last) + " from registration r where r.identity_id = ? and r.factor = ?")) {
                int index = 1;
                if (lock) {
                    CodeUses.bindLock(query, index, user);
                    index += 2;
                }
                index = bindState(query, index, now, failureRange, last);
                query.setString(index++, user.value());
                query.setString(index, factor.name());
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? state(row, 2, row.getBoolean(1), failureRange) : null;
                }
            }
        });
    }

    /**
     * The columns of a registration's state ({@link #state}), in a statement over
     * {@code registration r}; with {@code last}, when the last failure in the log was. Their
     * parameters are bound by {@link #bindState}.
     */
    static String stateColumns(boolean last) {
        return "r.status, r.secret_ciphertext, r.key_id, r.hash_function, r.digits, r.time_step, r.created_at,"
                + " r.last_step, r.failures, r.last_failure_at,"
                + " (select max(u.step) from code_use u where u.bucket = any (?) and u.identity_id = r.identity_id"
                + " and u.used_at >= r.created_at), " + CodeFailures.COUNT + ", "
                + (last ? CodeFailures.LAST : "cast(null as timestamp with time zone)");
    }

    /** Binds the parameters of {@link #stateColumns} from {@code index} on; returns the index after them. */
    static int bindState(PreparedStatement query, int index, Instant now, CodeFailures.Range failureRange, boolean last)
            throws SQLException {
        Connection connection = query.getConnection();
        query.setArray(index++, CodeUses.buckets(connection, now.minus(CodeUses.RECENT), now));
        Array failed = failureRange.on(connection);
        query.setArray(index++, failed);
        if (last) {
            query.setArray(index++, failed);
        }
        return index;
    }

    /** The state in {@code row}, whose {@link #stateColumns} start at column {@code first}. */
    static State state(ResultSet row, int first, boolean locked, CodeFailures.Range failureRange) throws SQLException {
        long used = row.getLong(first + 10);
        long lastStep = row.wasNull() ? row.getLong(first + 7) : Math.max(row.getLong(first + 7), used);
        // getTimestamp, not getObject(.., OffsetDateTime.class): Payara's wrapper calls the latter by reflection.
        Instant lastFailure = CodeUses.later(instant(row.getTimestamp(first + 9)), instant(row.getTimestamp(first + 12)));
        return new State(locked, RegistrationStatus.valueOf(row.getString(first)), row.getString(first + 1),
                row.getString(first + 2), new TotpParameters(HashFunction.valueOf(row.getString(first + 3)),
                row.getInt(first + 4), row.getInt(first + 5)), row.getTimestamp(first + 6).toInstant(), lastStep,
                row.getInt(first + 8), row.getLong(first + 11), failureRange, lastFailure);
    }

    private static Instant instant(Timestamp at) {
        return at == null ? null : at.toInstant();
    }

    /**
     * The registration as read for one round; never the secret in clear. Its failures are
     * {@code rowFailures} folded into the row and {@code loggedFailures} in the log's buckets
     * {@code failureRange}, which every statement of the round reads and writes with. Its
     * {@code lastFailureAt} is the row's only, unless the round read the log's too.
     */
    record State(boolean locked, RegistrationStatus status, String ciphertext, String keyId,
                         TotpParameters parameters, Instant createdAt, long lastStep, int rowFailures,
                         long loggedFailures, CodeFailures.Range failureRange, Instant lastFailureAt) {

        /** The user's consecutive failures. */
        int failures() {
            return (int) Math.min(Integer.MAX_VALUE, rowFailures + loggedFailures);
        }
    }
}
