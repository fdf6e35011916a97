package dev.stepup.elevation.control;

import java.util.List;

/** Whether a guarded action may run: a value, turned into {@code 403 PE-0028} by the boundary. */
public sealed interface GuardDecision {

    /** The step-up holds: a completion was consumed, or the window is open. */
    record Passed() implements GuardDecision {
    }

    /**
     * A step-up is needed. For the RFC 9470 challenge of Bearer callers: {@code maxAgeSeconds}
     * is how old an authentication may be to count (the window, or 0 for a fresh completion),
     * {@code acrValues} the {@code acr} values of the identity provider that would count (none
     * where a completion is needed).
     */
    record StepUpNeeded(long maxAgeSeconds, List<String> acrValues) implements GuardDecision {
    }
}
