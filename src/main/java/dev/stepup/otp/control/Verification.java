package dev.stepup.otp.control;

import java.time.Duration;

/** The outcome of checking a code: a value, mapped to HTTP by each boundary. */
public sealed interface Verification {

    /** The code was right and its time step is now used up. */
    record Accepted(long step) implements Verification {
    }

    /** Wrong, expired, or (when {@code replayed}) already used; counted as a failure. */
    record Rejected(boolean replayed) implements Verification {
    }

    /** Too many consecutive failures: not checked; try again after {@code retryAfter}. */
    record Throttled(Duration retryAfter) implements Verification {
        public long retryAfterSeconds() {
            return ThrottlePolicy.retryAfterSeconds(retryAfter);
        }
    }

    /** Not digits, or not as many as the registration uses. */
    record Malformed() implements Verification {
    }

    /** No registration (or no pending challenge) for this purpose. */
    record NotRegistered() implements Verification {
    }
}
