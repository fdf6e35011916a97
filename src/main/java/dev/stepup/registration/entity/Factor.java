package dev.stepup.registration.entity;

import java.util.Optional;

/** The MFA factors StepUp knows: time-based one-time passwords. */
public enum Factor {
    TOTP;

    /** Exactly as the contract spells it; anything else is unsupported. */
    public static Optional<Factor> parse(String value) {
        return "TOTP".equals(value) ? Optional.of(TOTP) : Optional.empty();
    }
}
