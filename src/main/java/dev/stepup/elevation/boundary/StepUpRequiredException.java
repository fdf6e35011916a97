package dev.stepup.elevation.boundary;

import dev.stepup.authentication.control.Caller;
import dev.stepup.elevation.control.GuardDecision;
import dev.stepup.platform.boundary.ApiException;
import java.util.Map;

/**
 * A guarded action was called without the step-up it needs. JAX-RS answers it with
 * {@code 403 PE-0028} (and, for Bearer callers, the RFC 9470 {@code WWW-Authenticate}
 * challenge); a JSF page can catch it and show the prompt.
 */
public class StepUpRequiredException extends ApiException {

    public static final String MESSAGE = "Step up authentication required";

    public StepUpRequiredException(Map<String, String> headers) {
        super(403, "PE-0028", MESSAGE, null, headers);
    }

    /** The refusal for {@code caller}, with the RFC 9470 challenge if it came with a Bearer token. */
    static StepUpRequiredException of(Caller caller, GuardDecision.StepUpNeeded needed) {
        if (caller.scheme() == Caller.Scheme.BEARER) {
            String acr = needed.acrValues().isEmpty() ? "" : ", acr_values=\"" + String.join(" ", needed.acrValues()) + "\"";
            return new StepUpRequiredException(Map.of("WWW-Authenticate",
                    "Bearer error=\"insufficient_user_authentication\", error_description=\"" + MESSAGE + "\""
                            + acr + ", max_age=" + needed.maxAgeSeconds()));
        }
        return new StepUpRequiredException(Map.of());
    }

    /** Passes, or throws the refusal. */
    static void enforce(Caller caller, GuardDecision decision) {
        if (decision instanceof GuardDecision.StepUpNeeded needed) {
            throw of(caller, needed);
        }
    }
}
