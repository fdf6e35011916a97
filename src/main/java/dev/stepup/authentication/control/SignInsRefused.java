package dev.stepup.authentication.control;

import dev.stepup.identity.entity.UserId;
import java.time.Instant;

/**
 * Fired once per sign-in wait that refused attempts, when it is over (at the next checked
 * attempt, or by housekeeping): {@code count} attempts at one name were refused unchecked
 * between {@code from} and {@code until}, from {@code clientAddress} (null: the name-wide
 * wait, attempts from any address). The audit trail writes it as one THROTTLED line.
 */
public record SignInsRefused(UserId target, int count, Instant from, Instant until, String clientAddress) {
}
