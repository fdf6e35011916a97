package dev.stepup.registration.control;

import dev.stepup.configuration.control.Configurations;
import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.TotpParameters;
import dev.stepup.otp.control.Verification;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.Registration;
import dev.stepup.registration.entity.RegistrationStatus;
import dev.stepup.registration.entity.StepUpFactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.commons.codec.binary.Base32;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Enrolment: new secrets, confirmation, status and deletion of registrations. */
@ApplicationScoped
public class Registrations {

    /** 160 bits, the HMAC-SHA1 block the RFC recommends; 32 base32 characters. */
    static final int SECRET_BYTES = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SecretCipher cipher;

    @Inject
    Configurations configurations;

    @Inject
    CodeVerifier verifier;

    @Inject
    RecoveryCodes recoveryCodes;

    @Inject
    CodeUses uses;

    @Inject
    CodeFailures failures;

    @Inject
    Event<RegistrationChanged> changes;

    @Inject
    @ConfigProperty(name = "stepup.issuer", defaultValue = "StepUp")
    String issuer;

    @Inject
    ChallengeLifetime challenges;

    /**
     * Starts enrolment with a new secret under the parameters now in force, replacing a
     * pending one; not while the user is registered already.
     */
    public Enrolment generateSecret(UserId user, String account, Factor factor) {
        TotpParameters parameters = configurations.current().totp();
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        String key = new Base32().encodeAsString(secret);
        SecretCipher.Sealed sealed = cipher.seal(secret, CodeVerifier.boundTo(user, factor));
        Arrays.fill(secret, (byte) 0);
        Instant now = clock.instant();
        // One conditional update, so a VERIFY committing at the same moment is never overwritten;
        // replay and throttle state stay as they are.
        int replaced = em.createQuery("update Registration r set r.secretCiphertext = :ciphertext, r.keyId = :keyId,"
                        + " r.totp.hashFunction = :hash, r.totp.digits = :digits, r.totp.timeStepSeconds = :timeStep,"
                        + " r.createdAt = :now,"
                        + " r.confirmedAt = null where r.identityId = :id and r.factor = :factor and r.status = :challenge")
                .setParameter("ciphertext", sealed.ciphertext())
                .setParameter("keyId", sealed.keyId())
                .setParameter("hash", parameters.hashFunction())
                .setParameter("digits", parameters.digits())
                .setParameter("timeStep", parameters.timeStepSeconds())
                .setParameter("now", now)
                .setParameter("id", user.value())
                .setParameter("factor", factor)
                .setParameter("challenge", RegistrationStatus.CHALLENGE)
                .executeUpdate();
        if (replaced == 0) {
            if (find(user, factor).isPresent()) {
                return new Enrolment.AlreadyRegistered();
            }
            Registration registration = new Registration(user.value(), factor);
            registration.challenge(sealed.ciphertext(), sealed.keyId(), parameters, now);
            em.persist(registration);
            try {
                em.flush();
            } catch (PersistenceException e) {
                return new Enrolment.Interrupted();
            }
        }
        changes.fire(new RegistrationChanged(RegistrationChanged.Kind.CHALLENGE_STARTED, user, user, factor));
        return new Enrolment.Started(key, OtpauthUri.of(issuer, account, key, parameters));
    }

    /** What {@code VERIFY} came to, and on success the new recovery codes, shown this once. */
    public record Confirmation(Verification result, List<String> recoveryCodes) {
        @Override
        public String toString() {
            return "Confirmation[" + result + "]";
        }
    }

    /** {@code VERIFY}: confirms the pending enrolment with its first code, which also makes its recovery codes. */
    public Confirmation confirm(UserId user, Factor factor, String otp) {
        Verification result = verifier.verify(user, factor, Purpose.CONFIRM_REGISTRATION, otp);
        if (!(result instanceof Verification.Accepted)) {
            return new Confirmation(result, List.of());
        }
        changes.fire(new RegistrationChanged(RegistrationChanged.Kind.CONFIRMED, user, user, factor));
        return new Confirmation(result, recoveryCodes.replace(user));
    }

    /**
     * {@code POST /api/mfa/recover}: a recovery code of the user's TOTP registration uses itself
     * up and resets the registration, with its other codes, so the user can enrol again.
     */
    public Verification recover(UserId user, String recoveryCode) {
        Verification result = verifier.verify(user, user, StepUpFactor.RECOVERY_CODE, Purpose.RECOVER, recoveryCode);
        if (result instanceof Verification.Accepted) {
            remove(user, Factor.TOTP);
            changes.fire(new RegistrationChanged(RegistrationChanged.Kind.RECOVERED, user, user, Factor.TOTP));
        }
        return result;
    }

    /** How many unused recovery codes the user's registration has; empty if it is not registered. */
    public Optional<Long> recoveryCodesLeft(UserId user) {
        return registered(user) ? Optional.of(recoveryCodes.remaining(user)) : Optional.empty();
    }

    /** Ten new recovery codes in place of the user's others; empty if it is not registered. */
    public Optional<List<String>> replaceRecoveryCodes(UserId user) {
        if (!registered(user)) {
            return Optional.empty();
        }
        List<String> codes = recoveryCodes.replace(user);
        changes.fire(new RegistrationChanged(RegistrationChanged.Kind.RECOVERY_CODES_REPLACED, user, user, Factor.TOTP));
        return Optional.of(codes);
    }

    private boolean registered(UserId user) {
        return status(user, Factor.TOTP) == RegistrationStatus.REGISTERED;
    }

    /** Deletes the caller's own registration if {@code credential} is a valid current code of it. */
    public Verification deleteOwn(UserId user, Factor factor, String credential) {
        Verification result = verifier.verify(user, factor, Purpose.DELETE_REGISTRATION, credential);
        if (result instanceof Verification.Accepted) {
            remove(user, factor);
            changes.fire(new RegistrationChanged(RegistrationChanged.Kind.DELETED_OWN, user, user, factor));
        }
        return result;
    }

    /** An administrator's reset; true if there was something to delete. */
    public boolean delete(UserId user, Factor factor, UserId actor) {
        boolean deleted = remove(user, factor);
        if (deleted) {
            changes.fire(new RegistrationChanged(RegistrationChanged.Kind.DELETED_BY_ADMIN, actor, user, factor));
        }
        return deleted;
    }

    public RegistrationStatus status(UserId user, Factor factor) {
        return find(user, factor).map(r -> visibleStatus(r, clock.instant())).orElse(RegistrationStatus.UNREGISTERED);
    }

    /** The otpauth URI of a pending, unexpired challenge, for its QR code. */
    public Optional<String> pendingUri(UserId user, String account, Factor factor) {
        return find(user, factor)
                .filter(r -> visibleStatus(r, clock.instant()) == RegistrationStatus.CHALLENGE)
                .map(r -> {
                    byte[] secret = cipher.open(new SecretCipher.Sealed(r.secretCiphertext(), r.keyId()),
                            CodeVerifier.boundTo(user, factor));
                    String key = new Base32().encodeAsString(secret);
                    Arrays.fill(secret, (byte) 0);
                    return OtpauthUri.of(issuer, account, key, r.totp());
                });
    }

    /** A challenge older than its time to live reads as no registration at all. */
    public RegistrationStatus visibleStatus(Registration registration, Instant now) {
        if (registration.status() == RegistrationStatus.CHALLENGE
                && !challenges.isOpen(registration.createdAt(), now)) {
            return RegistrationStatus.UNREGISTERED;
        }
        return registration.status();
    }

    private Optional<Registration> find(UserId user, Factor factor) {
        return Optional.ofNullable(em.find(Registration.class, new Registration.Key(user.value(), factor)));
    }

    /**
     * Removes the registration and, with it, its recovery codes and counted failures; under the lock of the user's
     * codes, so that no step-up with it is accepted while it goes.
     */
    private boolean remove(UserId user, Factor factor) {
        uses.lock(user, factor);
        recoveryCodes.deleteAll(user);
        boolean removed = em.createQuery("delete from Registration r where r.identityId = :id and r.factor = :factor")
                .setParameter("id", user.value())
                .setParameter("factor", factor)
                .executeUpdate() > 0;
        // After the row, as a success does: a fold of these failures locks the row first.
        failures.forget(user, failures.range(clock.instant()));
        return removed;
    }
}
