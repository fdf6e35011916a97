package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one verifier behind {@code VERIFY}, the delete credential, step-up and recovery: it checks
 * TOTP codes and recovery codes, against the throttle state both share on the registration row.
 *
 * <p>It reads the registration, refuses while the throttle wait lasts, matches the code
 * locally, and then commits the outcome with one conditional update that also asserts
 * the state it read: a TOTP success sets the last accepted step only if it is still smaller
 * ({@code last_step < :step}) and the failure count unchanged; a failure increments the
 * count only if nobody else did meanwhile; a recovery code is used by deleting its row, which
 * only one request can do. When a condition does not hold, another request (on any instance)
 * got there first, and the check is made again on the fresh state. So exactly one of any
 * number of concurrent uses of a code wins, and every attempt is counted before its result
 * is told.
 */
@ApplicationScoped
public class CodeVerifier {

    /** Rounds of re-reading after losing a race before telling the caller to retry. */
    static final int MAX_ROUNDS = 8;

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
        Optional<String> given = kind == StepUpFactor.TOTP
                ? Otp.parse(code).map(Otp::digits) : RecoveryCodes.normalize(code);
        if (given.isEmpty()) {
            return new Verification.Malformed();
        }
        Factor factor = Factor.TOTP;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Instant now = clock.instant();
            State state = load(user, factor);
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
                    ? checkTotp(actor, user, factor, purpose, state, new Otp(given.get()), now)
                    : checkRecoveryCode(actor, user, factor, purpose, state, given.get(), now);
            if (decided.isPresent()) {
                return decided.get();
            }
        }
        return new Verification.Throttled(Duration.ofSeconds(1));
    }

    /** One round of a TOTP code; empty if another request changed the row meanwhile. */
    private Optional<Verification> checkTotp(UserId actor, UserId user, Factor factor, Purpose purpose, State state,
                                             Otp otp, Instant now) {
        byte[] secret = cipher.open(new SecretCipher.Sealed(state.ciphertext, state.keyId), boundTo(user, factor));
        TotpCodes.Match match;
        try {
            match = TotpCodes.match(secret, state.parameters, otp, state.parameters.stepAt(now), state.lastStep);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        if (match.accepted()) {
            if (accept(user, factor, purpose, state, match.step(), now)) {
                reencryptIfOld(user, factor, state);
                verified.fire(new OtpVerified(actor, user, purpose, StepUpFactor.TOTP, OtpVerified.Outcome.SUCCESS));
                return Optional.of(new Verification.Accepted(match.step()));
            }
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
                                                     State state, String code, Instant now) {
        Optional<String> matching = recoveryCodes.matching(user, code);
        if (matching.isPresent()) {
            if (recoveryCodes.use(user, matching.get())) {
                em.createQuery("update Registration r set r.failures = 0, r.lastFailureAt = null, r.lastUsedAt = :now"
                                + " where r.identityId = :id and r.factor = :factor")
                        .setParameter("now", now)
                        .setParameter("id", user.value())
                        .setParameter("factor", factor)
                        .executeUpdate();
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

    private boolean accept(UserId user, Factor factor, Purpose purpose, State state, long step, Instant now) {
        String set = purpose == Purpose.CONFIRM_REGISTRATION ? ", r.status = :registered, r.confirmedAt = :now" : "";
        var update = em.createQuery("update Registration r set r.lastStep = :step, r.failures = 0, "
                        + "r.lastFailureAt = null, r.lastUsedAt = :now" + set
                        + " where r.identityId = :id and r.factor = :factor and r.status = :status"
                        + " and r.createdAt = :createdAt and r.lastStep < :step and r.failures = :failures")
                .setParameter("step", step)
                .setParameter("now", now)
                .setParameter("id", user.value())
                .setParameter("factor", factor)
                .setParameter("status", state.status)
                .setParameter("createdAt", state.createdAt)
                .setParameter("failures", state.failures);
        if (purpose == Purpose.CONFIRM_REGISTRATION) {
            update.setParameter("registered", RegistrationStatus.REGISTERED);
        }
        return update.executeUpdate() == 1;
    }

    private boolean countFailure(UserId user, Factor factor, State state, Instant now) {
        return em.createQuery("update Registration r set r.failures = r.failures + 1, r.lastFailureAt = :now"
                        + " where r.identityId = :id and r.factor = :factor and r.failures = :failures")
                .setParameter("now", now)
                .setParameter("id", user.value())
                .setParameter("factor", factor)
                .setParameter("failures", state.failures)
                .executeUpdate() == 1;
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

    private State load(UserId user, Factor factor) {
        List<Object[]> rows = em.createQuery("select r.status, r.secretCiphertext, r.keyId, r.totp,"
                        + " r.createdAt, r.lastStep, r.failures, r.lastFailureAt"
                        + " from Registration r where r.identityId = :id and r.factor = :factor", Object[].class)
                .setParameter("id", user.value())
                .setParameter("factor", factor)
                .getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] row = rows.get(0);
        return new State((RegistrationStatus) row[0], (String) row[1], (String) row[2], (TotpParameters) row[3],
                (Instant) row[4], (Long) row[5], (Integer) row[6], (Instant) row[7]);
    }

    /** The registration as read for one round; never the secret in clear. */
    private record State(RegistrationStatus status, String ciphertext, String keyId, TotpParameters parameters,
                         Instant createdAt, long lastStep, int failures, Instant lastFailureAt) {
    }
}
