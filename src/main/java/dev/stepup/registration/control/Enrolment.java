package dev.stepup.registration.control;

/**
 * A started enrolment: the base32 key and the otpauth URI an authenticator app reads.
 * Seen once, in the {@code GENERATE_SECRET} answer; {@code toString} hides both.
 */
public record Enrolment(String key, String uri) {

    @Override
    public String toString() {
        return "Enrolment[hidden]";
    }
}
