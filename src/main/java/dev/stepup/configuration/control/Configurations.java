package dev.stepup.configuration.control;

import dev.stepup.configuration.entity.StoredConfiguration;
import dev.stepup.identity.entity.UserId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads and changes the tenant's step-up configuration. Reads are served from memory for at
 * most {@link #FRESHNESS}, so the hot path does not query it on every request, and a change
 * made on another instance is seen within a second.
 */
@ApplicationScoped
public class Configurations {

    static final Duration FRESHNESS = Duration.ofMillis(500);

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<ConfigurationChanged> changes;

    private volatile Snapshot snapshot;

    private record Snapshot(StepUpConfiguration configuration, Instant readAt) {
    }

    public StepUpConfiguration current() {
        Snapshot cached = snapshot;
        Instant now = clock.instant();
        if (cached != null && cached.readAt().plus(FRESHNESS).isAfter(now)) {
            return cached.configuration();
        }
        StepUpConfiguration fresh = of(em.find(StoredConfiguration.class, StoredConfiguration.ID));
        snapshot = new Snapshot(fresh, now);
        return fresh;
    }

    @Transactional
    public StepUpConfiguration change(StepUpConfiguration wanted, UserId actor) {
        StoredConfiguration row = em.find(StoredConfiguration.class, StoredConfiguration.ID);
        StepUpConfiguration before = of(row);
        row.change(wanted.validationWindowMinutes(), wanted.completedCookieMaxAgeSeconds(), wanted.totp(), clock.instant());
        snapshot = null;
        changes.fire(new ConfigurationChanged(actor, before, wanted));
        return wanted;
    }

    /**
     * After the change commits, this instance serves it at once: a request that read the old
     * row meanwhile may have cached it again.
     */
    void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ConfigurationChanged change) {
        snapshot = new Snapshot(change.after(), clock.instant());
    }

    private static StepUpConfiguration of(StoredConfiguration row) {
        return new StepUpConfiguration(row.validationWindow(), row.completedCookieMaxAge(), row.totp());
    }
}
