package dev.stepup.otp.control;

import java.util.Optional;

/** A one-time code as submitted: only ASCII digits, 6 to 8 of them. */
public record Otp(String digits) {

    public Otp {
        if (!wellFormed(digits)) {
            throw new IllegalArgumentException("An OTP is 6 to 8 ASCII digits");
        }
    }

    public static Optional<Otp> parse(String value) {
        return wellFormed(value) ? Optional.of(new Otp(value)) : Optional.empty();
    }

    public int length() {
        return digits.length();
    }

    private static boolean wellFormed(String value) {
        if (value == null || value.length() < TotpParameters.MIN_DIGITS || value.length() > TotpParameters.MAX_DIGITS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Never the digits: an OTP must not reach a log by accident. */
    @Override
    public String toString() {
        return "Otp[" + digits.length() + " digits]";
    }
}
