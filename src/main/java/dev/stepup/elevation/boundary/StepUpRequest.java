package dev.stepup.elevation.boundary;

/** {@code POST /api/step-up/authenticate/{factor}}: {@code {"otp": "093971"}}. */
public record StepUpRequest(String otp) {

    @Override
    public String toString() {
        return "StepUpRequest[hidden]";
    }
}
