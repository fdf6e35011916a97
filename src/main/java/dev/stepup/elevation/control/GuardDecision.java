package dev.stepup.elevation.control;

/** Whether a guarded action may run: a value, turned into {@code 403 PE-0028} by the boundary. */
public sealed interface GuardDecision {

    /** The step-up holds: a completion was consumed, or the window is open. */
    record Passed() implements GuardDecision {
    }

    /**
     * A step-up is needed. {@code maxAgeSeconds} is how old an authentication may be to count
     * (the window, or 0 for a fresh completion), for the RFC 9470 challenge of Bearer callers.
     */
    record StepUpNeeded(long maxAgeSeconds) implements GuardDecision {
    }
}
