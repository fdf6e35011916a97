package dev.stepup.registration.entity;

import dev.stepup.otp.control.TotpParameters;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/**
 * A user's enrolment of a factor. The secret is only ever held encrypted
 * ({@code secretCiphertext} under {@code keyId}). The verifier's state lives here in part:
 * the time step of the confirming code; and the consecutive failures and the last use as
 * housekeeping folds them in from the logs of wrong and accepted codes
 * ({@code CodeFailures}, {@code CodeUses}), which hold the recent ones.
 */
@Entity
@Table(name = "registration")
@IdClass(Registration.Key.class)
public class Registration {

    @Id
    @Column(name = "identity_id")
    private String identityId;

    @Id
    @Enumerated(EnumType.STRING)
    private Factor factor;

    @Enumerated(EnumType.STRING)
    private RegistrationStatus status;

    @Column(name = "secret_ciphertext")
    private String secretCiphertext;

    @Column(name = "key_id")
    private String keyId;

    @Embedded
    private TotpParameters totp;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "confirmed_at")
    private Instant confirmedAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    @Column(name = "last_step")
    private long lastStep;

    private int failures;

    @Column(name = "last_failure_at")
    private Instant lastFailureAt;

    /** The registration's place in the admin listing, drawn by the database on insert. */
    @Column(name = "list_order", insertable = false, updatable = false)
    private long listOrder;

    protected Registration() {
    }

    public Registration(String identityId, Factor factor) {
        this.identityId = identityId;
        this.factor = factor;
        this.lastStep = -1;
    }

    /** Starts (or restarts) enrolment with a new secret; replay and throttle state are kept. */
    public void challenge(String secretCiphertext, String keyId, TotpParameters totp, Instant now) {
        this.status = RegistrationStatus.CHALLENGE;
        this.secretCiphertext = secretCiphertext;
        this.keyId = keyId;
        this.totp = totp;
        this.createdAt = now;
        this.confirmedAt = null;
    }

    public String identityId() {
        return identityId;
    }

    public Factor factor() {
        return factor;
    }

    public RegistrationStatus status() {
        return status;
    }

    public String secretCiphertext() {
        return secretCiphertext;
    }

    public String keyId() {
        return keyId;
    }

    public TotpParameters totp() {
        return totp;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant confirmedAt() {
        return confirmedAt;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    /** The composite key: one registration per identity and factor. */
    public static class Key implements Serializable {

        private String identityId;
        private Factor factor;

        public Key() {
        }

        public Key(String identityId, Factor factor) {
            this.identityId = identityId;
            this.factor = factor;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.identityId.equals(identityId) && key.factor == factor;
        }

        @Override
        public int hashCode() {
            return identityId.hashCode() * 31 + factor.hashCode();
        }
    }
}
