package dev.stepup.it;

import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * Checks that depend on which time step the server is in. The tests and the server read the
 * same clock, so a check that starts and ends in the same step of the tests' clock saw the
 * server in that step throughout; one that crossed a step edge says nothing, and runs again,
 * then at the start of a step. Nothing waits for the clock.
 */
public final class TimeSteps {

    private TimeSteps() {
    }

    public static long current(int periodSeconds) {
        return Math.floorDiv(Instant.now().getEpochSecond(), periodSeconds);
    }

    /**
     * Runs {@code check} with the current step of {@code periodSeconds}; again (at most twice
     * more) if the step changed while it ran, whether it passed or failed then. The check makes
     * its own users each time.
     */
    public static void withinOne(int periodSeconds, LongConsumer check) {
        for (int attempt = 1; ; attempt++) {
            long step = current(periodSeconds);
            try {
                check.accept(step);
            } catch (AssertionError failure) {
                if (current(periodSeconds) == step || attempt == 3) {
                    throw failure;
                }
                continue;
            }
            if (current(periodSeconds) == step) {
                return;
            }
            if (attempt == 3) {
                throw new AssertionError("Three tries of a check crossed an edge of a " + periodSeconds + " s time step");
            }
        }
    }
}
