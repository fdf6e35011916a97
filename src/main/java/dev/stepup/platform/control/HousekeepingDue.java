package dev.stepup.platform.control;

import java.time.Instant;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Housekeeping is due: fired by {@link Housekeeping}, once a minute by default. A feature observes it and
 * passes each of its clean-ups to {@link #clean}, which logs what was removed and keeps one
 * failing clean-up from stopping the others.
 */
public record HousekeepingDue(Instant now) {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    /** Runs {@code purge} (which returns how many rows it removed) and logs the outcome. */
    public void clean(String what, IntSupplier purge) {
        try {
            int removed = purge.getAsInt();
            if (removed > 0) {
                LOG.info(() -> "Housekeeping removed " + removed + " " + what);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Housekeeping of " + what + " failed; it is tried again at the next round", e);
        }
    }
}
