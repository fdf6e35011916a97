package dev.stepup.authentication.control;

/** What a password sign-in (or its confirmation) came to: a value, mapped to HTTP by the boundary. */
public sealed interface SignIn {

    /**
     * A new session: who signed in, the session cookie's value and the device cookie's value
     * (which lets this browser skip the name-wide wait), seen only here.
     */
    record SignedIn(Caller caller, String cookieValue, String deviceValue) implements SignIn {
        @Override
        public String toString() {
            return "SignedIn[" + caller + "]";
        }
    }

    /** The signed-in user typed the password again, rightly. */
    record Confirmed() implements SignIn {
    }

    /** Wrong username or password (or an inactive user): told apart from nothing else. */
    record Refused() implements SignIn {
    }

    /** Too many failures of this name, or too many sign-ins with it at once: try again later. */
    record Throttled(long retryAfterSeconds, boolean atOnce) implements SignIn {
    }

    /** Too many password checks at once on this instance, whatever the name: try again in a second. */
    record Busy() implements SignIn {
    }
}
