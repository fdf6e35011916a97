package dev.stepup.platform.control;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's clean-up tick: once a minute, on every instance, it fires {@link HousekeepingDue}.
 * Each feature observes it and cleans its own tables (expired completions, stale enrolments,
 * ended sessions, unused tokens, old audit lines ...). Every clean-up is an idempotent delete,
 * so instances need not coordinate.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    @Inject
    Event<HousekeepingDue> due;

    @Inject
    Clock clock;

    @Schedule(hour = "*", minute = "*", second = "17", persistent = false)
    void everyMinute() {
        try {
            due.fire(new HousekeepingDue(clock.instant()));
        } catch (RuntimeException e) {
            // An observer that failed outside HousekeepingDue.clean: the next tick tries again.
            LOG.log(Level.WARNING, "Housekeeping failed; next round in a minute", e);
        }
    }
}
