package dev.stepup.registration.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** How long a pending enrolment ({@code CHALLENGE}) stays open: {@code stepup.challenge.ttl.minutes}. */
@ApplicationScoped
public class ChallengeLifetime {

    @Inject
    @ConfigProperty(name = "stepup.challenge.ttl.minutes", defaultValue = "10")
    long minutes;

    /** True while a challenge started at {@code createdAt} can still be confirmed. */
    public boolean isOpen(Instant createdAt, Instant now) {
        return createdAt.plus(Duration.ofMinutes(minutes)).isAfter(now);
    }
}
