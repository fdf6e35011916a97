package dev.stepup.elevation.control;

import dev.stepup.authentication.control.Caller;
import dev.stepup.configuration.control.Configurations;
import dev.stepup.configuration.control.StepUpConfiguration;
import dev.stepup.registration.control.Registrations;
import dev.stepup.registration.entity.Factor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Decides whether a caller has stepped up recently enough for a guarded action. */
@ApplicationScoped
public class StepUpGuard {

    @Inject
    Configurations configurations;

    @Inject
    Registrations registrations;

    @Inject
    CompletionIds completionIds;

    @Inject
    Clock clock;

    /** Passes or not; consumes the completion when {@code alwaysPrompt}. */
    public GuardDecision check(Caller caller, boolean alwaysPrompt, String completion) {
        StepUpConfiguration current = configurations.current();
        if (alwaysPrompt) {
            return completionIds.consume(caller.id(), completion)
                    ? new GuardDecision.Passed() : new GuardDecision.StepUpNeeded(0);
        }
        if (validUntil(caller, current).filter(until -> until.isAfter(clock.instant())).isPresent()) {
            return new GuardDecision.Passed();
        }
        return new GuardDecision.StepUpNeeded(current.validationWindow().toSeconds());
    }

    /** The end of the caller's current validation window, if it ever stepped up. */
    public Optional<Instant> validUntil(Caller caller, StepUpConfiguration current) {
        return registrations.lastStepUp(caller.id(), Factor.TOTP).map(last -> last.plus(current.validationWindow()));
    }
}
