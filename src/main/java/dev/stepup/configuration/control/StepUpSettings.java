package dev.stepup.configuration.control;

import dev.stepup.configuration.entity.StepUpConfiguration;
import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.HashFunction;
import dev.stepup.otp.control.TotpParameters;
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
 * Reads and changes the tenant configuration. Reads are served from memory for at most
 * {@link #FRESHNESS}, so the hot path does not query it on every request, and a change made
 * on another instance is seen within a second.
 */
@ApplicationScoped
public class StepUpSettings {

    static final Duration FRESHNESS = Duration.ofMillis(500);

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<ConfigurationChanged> changes;

    private volatile Snapshot snapshot;

    private record Snapshot(Settings settings, Instant readAt) {
    }

    public Settings current() {
        Snapshot cached = snapshot;
        Instant now = clock.instant();
        if (cached != null && cached.readAt().plus(FRESHNESS).isAfter(now)) {
            return cached.settings();
        }
        Settings fresh = toSettings(em.find(StepUpConfiguration.class, StepUpConfiguration.ID));
        snapshot = new Snapshot(fresh, now);
        return fresh;
    }

    @Transactional
    public Settings change(Settings wanted, UserId actor) {
        StepUpConfiguration row = em.find(StepUpConfiguration.class, StepUpConfiguration.ID);
        Settings before = toSettings(row);
        row.change(wanted.validationWindowMinutes(), wanted.completedCookieMaxAgeSeconds(),
                wanted.totp().hashFunction().name(), wanted.totp().digits(), wanted.totp().timeStepSeconds(), clock.instant());
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

    private static Settings toSettings(StepUpConfiguration row) {
        return new Settings(row.validationWindow(), row.completedCookieMaxAge(),
                new TotpParameters(HashFunction.valueOf(row.hashFunction()), row.digits(), row.timeStep()));
    }
}
