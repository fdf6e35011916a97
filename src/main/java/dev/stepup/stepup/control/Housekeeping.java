package dev.stepup.stepup.control;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes expired completion IDs every minute, on every instance; the delete is idempotent,
 * so instances need not coordinate.
 */
@Singleton
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    @Inject
    CompletionIds completionIds;

    @Schedule(hour = "*", minute = "*", second = "17", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void purgeExpiredCompletions() {
        try {
            int purged = completionIds.purgeExpired();
            if (purged > 0) {
                LOG.fine(() -> "Purged " + purged + " expired completion IDs");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Purging expired completion IDs failed; next round in a minute", e);
        }
    }
}
