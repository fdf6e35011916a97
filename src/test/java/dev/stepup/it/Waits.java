package dev.stepup.it;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting on a condition, never on the clock alone: poll until it holds, with a deadline. */
public final class Waits {

    private static final Duration POLL = Duration.ofMillis(100);

    private Waits() {
    }

    /**
     * Polls {@code probe} until its value satisfies {@code done} and returns that value;
     * fails with {@code what} when {@code timeout} passes first.
     */
    public static <T> T until(Duration timeout, String what, Supplier<T> probe, Predicate<? super T> done) {
        Instant deadline = Instant.now().plus(timeout);
        T value = probe.get();
        while (!done.test(value)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Waited " + timeout.toSeconds() + " s for " + what + "; last seen: " + abbreviate(value));
            }
            pause(POLL);
            value = probe.get();
        }
        return value;
    }

    /** Waits until the clock has passed {@code moment}: for an expiry the test must see happen. */
    public static void past(Instant moment) {
        while (!Instant.now().isAfter(moment)) {
            pause(Duration.between(Instant.now(), moment).plusMillis(1));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() > 300 ? "…" + text.substring(text.length() - 300) : text;
    }
}
