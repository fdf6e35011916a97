package dev.stepup.stepup.control;

import dev.stepup.configuration.control.Settings;
import dev.stepup.configuration.control.StepUpSettings;
import dev.stepup.identity.control.Caller;
import dev.stepup.registration.control.Registrations;
import dev.stepup.registration.entity.Factor;
import dev.stepup.stepup.boundary.StepUpRequiredException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Decides whether a caller has stepped up recently enough for a guarded action. */
@ApplicationScoped
public class StepUpGuard {

    @Inject
    StepUpSettings settings;

    @Inject
    Registrations registrations;

    @Inject
    CompletionIds completionIds;

    @Inject
    Clock clock;

    /** Passes or throws {@link StepUpRequiredException}; consumes the completion when {@code alwaysPrompt}. */
    public void check(Caller caller, boolean alwaysPrompt, String completionCookie) {
        Settings current = settings.current();
        if (alwaysPrompt) {
            if (completionIds.consume(caller.id(), completionCookie)) {
                return;
            }
            throw required(caller, 0);
        }
        if (validUntil(caller, current).filter(until -> until.isAfter(clock.instant())).isPresent()) {
            return;
        }
        throw required(caller, current.validationWindow().toSeconds());
    }

    /** The end of the caller's current validation window, if it ever stepped up. */
    public Optional<Instant> validUntil(Caller caller, Settings current) {
        return registrations.lastStepUp(caller.id(), Factor.TOTP).map(last -> last.plus(current.validationWindow()));
    }

    private static StepUpRequiredException required(Caller caller, long maxAgeSeconds) {
        if (caller.scheme() == Caller.Scheme.BEARER) {
            return new StepUpRequiredException(Map.of("WWW-Authenticate",
                    "Bearer error=\"insufficient_user_authentication\", error_description=\""
                            + StepUpRequiredException.MESSAGE + "\", max_age=" + maxAgeSeconds));
        }
        return new StepUpRequiredException(Map.of());
    }
}
