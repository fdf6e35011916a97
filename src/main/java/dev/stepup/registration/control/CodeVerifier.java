package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.HashFunction;
import dev.stepup.otp.control.Otp;
import dev.stepup.otp.control.ThrottlePolicy;
import dev.stepup.otp.control.TotpCodes;
import dev.stepup.otp.control.TotpParameters;
import dev.stepup.otp.control.Verification;
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
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import org.hibernate.Session;

/**
 * The one verifier behind {@code VERIFY}, the delete credential, step-up and recovery: it checks
 * TOTP codes and recovery codes, against the throttle state both share on the registration row.
 *
 * <p>It reads the registration and the time steps used lately in one statement, refuses while
 * the throttle wait lasts, and matches the code locally. A wrong code is counted by incrementing
 * the count on the row, only if the count is still the one read, without any lock. A matching
 * TOTP code takes the user's lock first ({@link CodeUses#tryLock}), so that the uses of one
 * user's codes happen one after the other on every instance, and is recorded by appending its
 * time step to {@link CodeUses} only if no code of that step or later was used meanwhile (a
 * confirmation, or a success after failures, updates the row instead, on a state read again
 * under the lock). A recovery code is checked under the lock from the start and used by
 * deleting its row. The writes of a TOTP code assert the state read (the registration the same,
 * the count unchanged: a failure counted meanwhile sends a matching code back to the throttle),
 * so that a concurrent attempt or an administrator's reset makes the check run again on the
 * fresh state; failures queue on the row, so at most one uncommitted failure can go unseen.
 * Every attempt is counted before its result is told.
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

    /** This bean through its proxy, so that the user's own checks run in a transaction too. */
    @Inject
    CodeVerifier self;

    /** Checks a TOTP code the user gave. */
    public Verification verify(UserId user, Factor factor, Purpose purpose, String code) {
        return self.verify(user, user, StepUpFactor.TOTP, purpose, code);
    }

    /**
     * Checks a code of {@code user}'s (a TOTP code, or a recovery code of the TOTP
     * registration) on behalf of {@code actor}: the user, or the verifier service of an
     * application beside StepUp, which the audit names as the actor.
     */
    @Transactional
    public Verification verify(UserId actor, UserId user, StepUpFactor kind, Purpose purpose, String code) {
        return verify(actor, user, kind, purpose, code, null);
    }

    /**
     * As {@link #verify(UserId, UserId, StepUpFactor, Purpose, String)}; an accepted code also
     * opens the validation window of the caller's credential {@code credential} (its key), if given.
     */
    @Transactional
    public Verification verify(UserId actor, UserId user, StepUpFactor kind, Purpose purpose, String code,
                               String credential) {
        Optional<String> given = kind == StepUpFactor.TOTP
                ? Otp.parse(code).map(Otp::digits) : RecoveryCodes.normalize(code);
        if (given.isEmpty()) {
            return new Verification.Malformed();
        }
        Factor factor = Factor.TOTP;
        // A recovery code holds the user's lock from the start; a TOTP code only once it matches.
        Lock lock = new Lock(user, factor);
        if (kind == StepUpFactor.RECOVERY_CODE && !lock.take()) {
            return new Verification.Throttled(Duration.ofSeconds(1));
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Instant now = clock.instant();
            State state = load(user, factor, now);
            if (state == null || !applies(state, purpose, now)) {
                return new Verification.NotRegistered();
            }
            if (kind == StepUpFactor.TOTP && given.get().length() != state.parameters.digits()) {
                return new Verification.Malformed();
            }
            Duration wait = throttle.remaining(state.failures, state.lastFailureAt, now);
            if (!wait.isZero()) {
                verified.fire(new OtpVerified(actor, user, purpose, kind, OtpVerified.Outcome.THROTTLED));
                return new Verification.Throttled(wait);
            }
            Optional<Verification> decided = kind == StepUpFactor.TOTP
                    ? checkTotp(actor, user, factor, purpose, state, new Otp(given.get()), now, credential, lock)
                    : checkRecoveryCode(actor, user, factor, purpose, state, given.get(), now, credential);
            if (decided.isPresent()) {
                return decided.get();
            }
        }
        return new Verification.Throttled(Duration.ofSeconds(1));
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
     * One round of a TOTP code; empty if another request changed the state meanwhile. A wrong
     * code is counted without the user's lock (the count is updated only if unchanged); a
     * matching one is used under it, and only if no code of its step or later was used since
     * the state was read.
     */
    private Optional<Verification> checkTotp(UserId actor, UserId user, Factor factor, Purpose purpose, State state,
                                             Otp otp, Instant now, String credential, Lock lock) {
        byte[] secret = cipher.open(new SecretCipher.Sealed(state.ciphertext, state.keyId), boundTo(user, factor));
        TotpCodes.Match match;
        try {
            match = TotpCodes.match(secret, state.parameters, otp, state.parameters.stepAt(now), state.lastStep);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        if (match.accepted()) {
            boolean readUnlocked = !lock.held;
            if (!lock.take()) {
                // Another attempt at this user's codes has held them for a second: answer as a
                // throttle does rather than queue (a flood must not hold a thread each).
                return Optional.of(new Verification.Throttled(Duration.ofSeconds(1)));
            }
            if (readUnlocked && changesRow(purpose, state)) {
                return Optional.empty(); // the row is written only on a state read under the lock
            }
            if (!accept(user, factor, purpose, state, match.step(), now)) {
                return Optional.empty();
            }
            // The use is recorded only if the registration is still the one read, with no
            // failure counted since (a wrong code counted meanwhile sends this round back to the
            // throttle), and no code of this step or later used since.
            if (purpose != Purpose.CONFIRM_REGISTRATION
                    && !uses.recordIfUnused(user, factor, state.createdAt, match.step(), now, credential)) {
                if (changesRow(purpose, state)) {
                    // The row was reset on a state read under the lock, which nothing else can
                    // change before the commit: fail closed rather than keep the reset.
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

    private boolean applies(State state, Purpose purpose, Instant now) {
        return switch (purpose) {
            case CONFIRM_REGISTRATION -> state.status == RegistrationStatus.CHALLENGE
                    && challenges.isOpen(state.createdAt, now);
            case DELETE_REGISTRATION, STEP_UP, RECOVER -> state.status == RegistrationStatus.REGISTERED;
        };
    }

    /** Whether accepting a code changes the registration row: a confirmation, or a success after failures. */
    private static boolean changesRow(Purpose purpose, State state) {
        return purpose == Purpose.CONFIRM_REGISTRATION || state.failures != 0 || state.lastFailureAt != null;
    }

    /**
     * Commits an accepted TOTP code on the registration row, if it must change
     * ({@link #changesRow}): a confirmation changes the status, a success after failures resets
     * their count. Any other success leaves the row alone (its use goes to {@link CodeUses},
     * appended). False if the row is no longer as read.
     */
    private boolean accept(UserId user, Factor factor, Purpose purpose, State state, long step, Instant now) {
        if (!changesRow(purpose, state)) {
            return true;
        }
        // A confirmation's step is kept on the row; any other use's in CodeUses.
        String set = purpose == Purpose.CONFIRM_REGISTRATION
                ? ", r.lastStep = :step, r.status = :registered, r.confirmedAt = :now" : "";
        var update = em.createQuery("update Registration r set r.failures = 0, "
                        + "r.lastFailureAt = null, r.lastUsedAt = :now" + set
                        + " where r.identityId = :id and r.factor = :factor and r.status = :status"
                        + " and r.createdAt = :createdAt and r.failures = :failures")
                .setParameter("now", now)
                .setParameter("id", user.value())
                .setParameter("factor", factor)
                .setParameter("status", state.status)
                .setParameter("createdAt", state.createdAt)
                .setParameter("failures", state.failures);
        if (purpose == Purpose.CONFIRM_REGISTRATION) {
            update.setParameter("step", step).setParameter("registered", RegistrationStatus.REGISTERED);
        }
        return update.executeUpdate() == 1;
    }

    /**
     * Counts a failure on the registration read, if its count is still the one read (one
     * conditional update, in plain JDBC: it is on every wrong code's path).
     */
    private boolean countFailure(UserId user, Factor factor, State state, Instant now) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement("update registration"
                    + " set failures = failures + 1, last_failure_at = ?"
                    + " where identity_id = ? and factor = ? and created_at = ? and failures = ?")) {
                update.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                update.setString(2, user.value());
                update.setString(3, factor.name());
                update.setObject(4, OffsetDateTime.ofInstant(state.createdAt, ZoneOffset.UTC));
                update.setInt(5, state.failures);
                return update.executeUpdate() == 1;
            }
        });
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
     * lately folded in (from {@link CodeUses}' log), in one statement. A code is accepted
     * within one step of now, so a use that could still conflict was recorded in the last three
     * steps (at most six minutes), and counts only if made since this registration was.
     */
    private State load(UserId user, Factor factor, Instant now) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement query = connection.prepareStatement("select r.status, r.secret_ciphertext, r.key_id,"
                    + " r.hash_function, r.digits, r.time_step, r.created_at, r.last_step, r.failures, r.last_failure_at,"
                    + " (select max(u.step) from code_use u where u.bucket = any (?) and u.identity_id = r.identity_id"
                    + " and u.used_at >= r.created_at)"
                    + " from registration r where r.identity_id = ? and r.factor = ?")) {
                query.setArray(1, CodeUses.buckets(connection, now.minus(CodeUses.RECENT), now));
                query.setString(2, user.value());
                query.setString(3, factor.name());
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        return null;
                    }
                    long used = row.getLong(11);
                    long lastStep = row.wasNull() ? row.getLong(8) : Math.max(row.getLong(8), used);
                    // getTimestamp, not getObject(.., OffsetDateTime.class): Payara's wrapper calls the latter by reflection.
                    Timestamp lastFailure = row.getTimestamp(10);
                    return new State(RegistrationStatus.valueOf(row.getString(1)), row.getString(2), row.getString(3),
                            new TotpParameters(HashFunction.valueOf(row.getString(4)), row.getInt(5), row.getInt(6)),
                            row.getTimestamp(7).toInstant(), lastStep, row.getInt(9),
                            lastFailure == null ? null : lastFailure.toInstant());
                }
            }
        });
    }

    /** The registration as read for one round; never the secret in clear. */
    private record State(RegistrationStatus status, String ciphertext, String keyId, TotpParameters parameters,
                         Instant createdAt, long lastStep, int failures, Instant lastFailureAt) {
    }
}
