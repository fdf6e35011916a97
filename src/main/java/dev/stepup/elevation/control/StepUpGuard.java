package dev.stepup.elevation.control;

import dev.stepup.authentication.control.BearerTokens;
import dev.stepup.authentication.control.Caller;
import dev.stepup.configuration.control.Configurations;
import dev.stepup.configuration.control.StepUpConfiguration;
import dev.stepup.registration.control.CodeUses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decides whether a caller has stepped up recently enough for a guarded action, with the
 * credential it came with: a step-up in the user's browser does not count for the same user's
 * API token, nor the other way round.
 */
@ApplicationScoped
public class StepUpGuard {

    @Inject
    Configurations configurations;

    @Inject
    CodeUses uses;

    @Inject
    CompletionIds completionIds;

    @Inject
    BearerTokens bearerTokens;

    @Inject
    Clock clock;

    /** Passes or not; consumes the completion when {@code alwaysPrompt}. */
    public GuardDecision check(Caller caller, boolean alwaysPrompt, String completion) {
        StepUpConfiguration current = configurations.current();
        if (alwaysPrompt) {
            return completionIds.consume(caller.id(), caller.credential(), completion)
                    ? new GuardDecision.Passed() : new GuardDecision.StepUpNeeded(0, List.of());
        }
        if (validUntil(caller, current).filter(until -> until.isAfter(clock.instant())).isPresent()) {
            return new GuardDecision.Passed();
        }
        return new GuardDecision.StepUpNeeded(current.validationWindow().toSeconds(), bearerTokens.stepUpAcr());
    }

    /**
     * The end of the validation window of the caller's credential: from its last step-up here,
     * or, for a Bearer JWT whose {@code acr} counts, from its {@code auth_time}.
     */
    public Optional<Instant> validUntil(Caller caller, StepUpConfiguration current) {
        Optional<Instant> here = uses.lastStepUp(caller.id(), caller.credential().key(), current.validationWindow());
        return Stream.concat(here.stream(), Stream.ofNullable(caller.providerStepUpAt()))
                .max(Instant::compareTo)
                .map(last -> last.plus(current.validationWindow()));
    }
}
