package dev.stepup.otp.control;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import java.time.Duration;
import java.time.Instant;

/**
 * The parameters of a TOTP: hash function, number of digits (6 to 8) and time step in seconds
 * (15 to 120). A registration keeps those of its enrolment, and the tenant configuration holds
 * those new enrolments get; both store them in the same three columns, as this embeddable value.
 */
@Embeddable
public record TotpParameters(
        @Enumerated(EnumType.STRING) @Column(name = "hash_function") HashFunction hashFunction,
        @Column(name = "digits") int digits,
        @Column(name = "time_step") int timeStepSeconds) {

    public static final int MIN_DIGITS = 6;
    public static final int MAX_DIGITS = 8;
    public static final int MIN_TIME_STEP = 15;
    public static final int MAX_TIME_STEP = 120;

    public TotpParameters {
        if (hashFunction == null || digits < MIN_DIGITS || digits > MAX_DIGITS
                || timeStepSeconds < MIN_TIME_STEP || timeStepSeconds > MAX_TIME_STEP) {
            throw new IllegalArgumentException("TOTP parameters out of range");
        }
    }

    public Duration timeStep() {
        return Duration.ofSeconds(timeStepSeconds);
    }

    /** The RFC 6238 time step counter T at {@code instant} (T0 = 0). */
    public long stepAt(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), timeStepSeconds);
    }
}
