package dev.stepup.registration.control;

/** What {@code GENERATE_SECRET} came to: a value, mapped to HTTP by the boundary. */
public sealed interface Enrolment {

    /**
     * A started enrolment: the base32 key and the otpauth URI an authenticator app reads.
     * Seen once, in the {@code GENERATE_SECRET} answer; {@code toString} hides both.
     */
    record Started(String key, String uri) implements Enrolment {
        @Override
        public String toString() {
            return "Started[hidden]";
        }
    }

    /** The user is registered already: a new secret would replace a working one. */
    record AlreadyRegistered() implements Enrolment {
    }

    /** Another request made or changed the registration at the same moment; try again. */
    record Interrupted() implements Enrolment {
    }
}
