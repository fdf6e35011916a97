package dev.stepup.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.time.Duration;

/**
 * The server clock, the only time source for codes, expiry and throttling. It ticks in
 * microseconds, the precision the databases keep, so an instant reads back as written.
 */
@ApplicationScoped
public class Clocks {

    @Produces
    @ApplicationScoped
    Clock systemClock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
    }
}
