package dev.stepup.audit.control;

import dev.stepup.otp.control.OtpVerified;
import dev.stepup.registration.control.RegistrationChanged;
import dev.stepup.registration.entity.RegistrationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * MFA metrics at {@code /metrics}: verifications by purpose and outcome, enrolments started
 * and confirmed, and registrations by status (counted in the database, at most every ten
 * seconds, so scrapes of several instances agree).
 */
@ApplicationScoped
public class MfaMetrics {

    static final Duration GAUGE_FRESHNESS = Duration.ofSeconds(10);

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @PersistenceContext
    EntityManager em;

    private volatile Map<RegistrationStatus, Long> counts = Map.of();
    private volatile Instant countedAt = Instant.EPOCH;

    void registerGauges(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (RegistrationStatus status : new RegistrationStatus[] {RegistrationStatus.CHALLENGE, RegistrationStatus.REGISTERED}) {
            registry.gauge("stepup_registrations", () -> registrations(status), new Tag("status", status.name()));
        }
    }

    void verified(@Observes OtpVerified event) {
        registry.counter("stepup_verifications",
                new Tag("purpose", event.purpose().name().toLowerCase(Locale.ROOT)),
                new Tag("outcome", event.outcome().name().toLowerCase(Locale.ROOT))).inc();
    }

    void enrolment(@Observes RegistrationChanged event) {
        switch (event.kind()) {
            case CHALLENGE_STARTED -> registry.counter("stepup_enrolments", new Tag("stage", "started")).inc();
            case CONFIRMED -> registry.counter("stepup_enrolments", new Tag("stage", "confirmed")).inc();
            default -> registry.counter("stepup_registrations_deleted",
                    new Tag("how", event.kind().name().toLowerCase(Locale.ROOT))).inc();
        }
    }

    private long registrations(RegistrationStatus status) {
        if (countedAt.plus(GAUGE_FRESHNESS).isBefore(Instant.now())) {
            Map<RegistrationStatus, Long> fresh = new EnumMap<>(RegistrationStatus.class);
            // From the tally the database keeps for the admin listing, not a scan of every registration.
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("select status, sum(n) from registration_tally group by status")
                    .getResultList();
            for (Object[] row : rows) {
                fresh.put(RegistrationStatus.valueOf((String) row[0]), ((Number) row[1]).longValue());
            }
            counts = fresh;
            countedAt = Instant.now();
        }
        return counts.getOrDefault(status, 0L);
    }
}
