package dev.stepup.registration.entity;

import java.util.Optional;

/**
 * What a step-up may be made with: a TOTP code, or one of the registration's recovery codes,
 * which count against the same throttle.
 */
public enum StepUpFactor {
    TOTP, RECOVERY_CODE;

    /** Exactly as the contract spells it; anything else is unsupported. */
    public static Optional<StepUpFactor> parse(String value) {
        for (StepUpFactor factor : values()) {
            if (factor.name().equals(value)) {
                return Optional.of(factor);
            }
        }
        return Optional.empty();
    }
}
