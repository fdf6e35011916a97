package dev.stepup.guard;

import java.util.Optional;

/**
 * A guarded action was refused. Over JAX-RS, {@link StepUpGuardExceptionMapper} answers it in
 * StepUp's error format; elsewhere (a servlet, a service called outside JAX-RS and JSF) the
 * application may catch it.
 * <ul>
 * <li>{@code 403 PE-0028}: no step-up that counts ({@link #isStepUpRequired()});</li>
 * <li>{@code 401 AU-0000}: the guard cannot tell who the caller is;</li>
 * <li>{@code 503 SRV-0503}: StepUp could not be asked, or the guard is not configured. The
 * action is refused all the same: the guard fails closed.</li>
 * </ul>
 */
public class StepUpGuardException extends RuntimeException {

    public static final String STEP_UP_REQUIRED = "Step up authentication required";

    private final int status;
    private final String errorCode;
    private final String challenge;

    private StepUpGuardException(int status, String errorCode, String message, String challenge) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
        this.challenge = challenge;
    }

    /**
     * {@code 403 PE-0028}; for a caller that came with {@code Authorization: Bearer}, also the
     * RFC 9470 challenge. {@code max_age=0}: only a fresh step-up (a completion) can satisfy it.
     */
    static StepUpGuardException required(boolean bearer) {
        return new StepUpGuardException(403, "PE-0028", STEP_UP_REQUIRED, bearer
                ? "Bearer error=\"insufficient_user_authentication\", error_description=\"" + STEP_UP_REQUIRED + "\", max_age=0"
                : null);
    }

    static StepUpGuardException unauthenticated() {
        return new StepUpGuardException(401, "AU-0000", "Not authenticated: the step-up guard cannot tell who the caller is", null);
    }

    static StepUpGuardException unavailable(String why) {
        return new StepUpGuardException(503, "SRV-0503", why, null);
    }

    /** The HTTP status the refusal is answered with. */
    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    /** The {@code WWW-Authenticate} header for Bearer callers (RFC 9470), if one belongs to the answer. */
    public Optional<String> challenge() {
        return Optional.ofNullable(challenge);
    }

    /** True for {@code 403 PE-0028}: a step-up would let the action through. */
    public boolean isStepUpRequired() {
        return status == 403;
    }
}
