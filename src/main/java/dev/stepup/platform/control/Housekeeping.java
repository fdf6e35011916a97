package dev.stepup.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The server's clean-up tick: every {@code stepup.housekeeping.interval.seconds} (a minute by
 * default), on every instance, it fires {@link HousekeepingDue}. Each feature observes it and
 * cleans its own tables (expired completions, stale enrolments, ended sessions, unused tokens,
 * old audit lines ...). Most clean-ups are idempotent deletes, so instances need not
 * coordinate; the folds of the code logs into registration rows take a lock of their own, so
 * that one instance folds at a time.
 */
@Startup
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    @Inject
    Event<HousekeepingDue> due;

    @Inject
    Clock clock;

    @Resource
    TimerService timers;

    @Inject
    @ConfigProperty(name = "stepup.housekeeping.interval.seconds", defaultValue = "60")
    long intervalSeconds;

    @PostConstruct
    void schedule() {
        long interval = intervalSeconds * 1000;
        timers.createIntervalTimer(interval, interval, new TimerConfig(null, false));
    }

    @Timeout
    void run() {
        try {
            due.fire(new HousekeepingDue(clock.instant()));
        } catch (RuntimeException e) {
            // An observer that failed outside HousekeepingDue.clean: the next tick tries again.
            LOG.log(Level.WARNING, "Housekeeping failed; next round in " + intervalSeconds + " s", e);
        }
    }
}
