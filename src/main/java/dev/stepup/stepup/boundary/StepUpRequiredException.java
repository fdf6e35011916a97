package dev.stepup.stepup.boundary;

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
}
