package dev.stepup.metrics.control;

import dev.stepup.registration.control.OtpVerified;
import dev.stepup.registration.control.OtpsVerified;
import dev.stepup.registration.control.RegistrationChanged;
import dev.stepup.registration.control.RegistrationsOverview;
import dev.stepup.registration.entity.RegistrationStatus;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MFA metrics: verifications by purpose and outcome, the batches they were checked in,
 * enrolments started and confirmed, and registrations by status (counted in the database, at
 * most every ten seconds, so scrapes of several instances agree), written to whichever
 * {@link MetricSink} the server supports.
 */
@ApplicationScoped
public class MfaMetrics {

    static final Duration GAUGE_FRESHNESS = Duration.ofSeconds(10);

    /**
     * The sinks of the server's metrics APIs that could load here: on Payara MicroProfile
     * Metrics and the Micrometer sink, which finds no registry there and writes nothing; on
     * WildFly the Micrometer sink.
     */
    @Inject
    @Any
    Instance<MetricSink> available;

    /** {@link #available}, resolved once rather than on every verification. */
    private List<MetricSink> sinks = List.of();

    @Inject
    RegistrationsOverview overview;

    private volatile Map<RegistrationStatus, Long> counts = Map.of();
    private volatile Instant countedAt = Instant.EPOCH;

    @PostConstruct
    void resolveSinks() {
        sinks = available.stream().toList();
    }

    void registerGauges(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (RegistrationStatus status : new RegistrationStatus[] {RegistrationStatus.CHALLENGE, RegistrationStatus.REGISTERED}) {
            sinks.forEach(sink -> sink.gauge("stepup_registrations", Map.of("status", status.name()),
                    () -> registrations(status)));
        }
    }

    void verified(@Observes OtpVerified event) {
        increment("stepup_verifications", Map.of("purpose", event.purpose().name().toLowerCase(Locale.ROOT),
                "outcome", event.outcome().name().toLowerCase(Locale.ROOT)));
    }

    /**
     * After the commit: a batch that fails leaves its codes to be checked, and counted here, one
     * by one. The batches and the codes they settled are counted too: codes per transaction.
     */
    void verified(@Observes(during = TransactionPhase.AFTER_SUCCESS) OtpsVerified event) {
        event.checks().forEach(checked -> {
            verified(checked.verified());
            increment("stepup_verification_batches", Map.of("counted", "codes"));
        });
        increment("stepup_verification_batches", Map.of("counted", "transactions"));
    }

    void enrolment(@Observes RegistrationChanged event) {
        switch (event.kind()) {
            case CHALLENGE_STARTED -> increment("stepup_enrolments", Map.of("stage", "started"));
            case CONFIRMED -> increment("stepup_enrolments", Map.of("stage", "confirmed"));
            case RECOVERY_CODES_REPLACED -> {
                // not a change of the registration's status
            }
            default -> increment("stepup_registrations_deleted", Map.of("how", event.kind().name().toLowerCase(Locale.ROOT)));
        }
    }

    private void increment(String name, Map<String, String> tags) {
        sinks.forEach(sink -> sink.increment(name, tags));
    }

    private long registrations(RegistrationStatus status) {
        if (countedAt.plus(GAUGE_FRESHNESS).isBefore(Instant.now())) {
            counts = overview.countsByStatus();
            countedAt = Instant.now();
        }
        return counts.getOrDefault(status, 0L);
    }
}
