package dev.stepup.registration.boundary;

/** {@code POST /api/mfa/register/{factor}}: {@code GENERATE_SECRET}, or {@code VERIFY} with the first code. */
public record RegistrationRequest(String action, String otp) {

    @Override
    public String toString() {
        return "RegistrationRequest[action=" + action + "]";
    }
}
