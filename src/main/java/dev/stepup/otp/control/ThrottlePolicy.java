package dev.stepup.otp.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * When a user with consecutive failures may try again: from the {@code threshold}-th
 * failure on, each further attempt waits 1 s, 2 s, 4 s … after the last failure, at most
 * {@code maxDelay}. A wait always ends, so an attacker cannot lock a user out for good.
 */
@ApplicationScoped
public class ThrottlePolicy {

    @Inject
    @ConfigProperty(name = "stepup.throttle.threshold", defaultValue = "5")
    int threshold;

    @Inject
    @ConfigProperty(name = "stepup.throttle.max.delay.seconds", defaultValue = "900")
    long maxDelaySeconds;

    /** For tests and tools outside CDI. */
    public static ThrottlePolicy of(int threshold, long maxDelaySeconds) {
        ThrottlePolicy policy = new ThrottlePolicy();
        policy.threshold = threshold;
        policy.maxDelaySeconds = maxDelaySeconds;
        return policy;
    }

    /** A wait as {@code Retry-After} says it: whole seconds, rounded up, at least one. */
    public static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /** The delay that {@code failures} consecutive failures impose after the last one. */
    public Duration delay(int failures) {
        if (failures < threshold) {
            return Duration.ZERO;
        }
        int exponent = Math.min(failures - threshold, 30);
        return Duration.ofSeconds(Math.min(1L << exponent, maxDelaySeconds));
    }

    /** The longest wait any number of failures imposes. */
    public Duration maxDelay() {
        return Duration.ofSeconds(maxDelaySeconds);
    }

    /** How long the caller must still wait; zero when it may try now. */
    public Duration remaining(int failures, Instant lastFailureAt, Instant now) {
        Duration delay = delay(failures);
        // No delay, no wait: not even for a last failure that another instance's clock put
        // a moment after this one's now.
        if (lastFailureAt == null || delay.isZero()) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, lastFailureAt.plus(delay));
        return left.isNegative() ? Duration.ZERO : left;
    }
}
