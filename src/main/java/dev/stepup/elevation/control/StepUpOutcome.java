package dev.stepup.elevation.control;

import dev.stepup.otp.control.Verification;
import java.time.Instant;

/** What a step-up came to: a value, mapped to HTTP by the boundary. */
public sealed interface StepUpOutcome {

    /**
     * The code was right. {@code completion} is the completion ID to hand out as a cookie (null
     * where none is: a server-to-server verification); {@code validUntil} ends the window.
     */
    record Succeeded(String completion, Instant verifiedAt, Instant validUntil) implements StepUpOutcome {
        @Override
        public String toString() {
            return "Succeeded[verifiedAt=" + verifiedAt + "]";
        }
    }

    /** Anything but a success: wrong, throttled, malformed, nothing registered. */
    record NotAccepted(Verification verification) implements StepUpOutcome {
    }
}
