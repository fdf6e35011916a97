package dev.stepup.configuration.control;

import dev.stepup.otp.control.TotpParameters;
import java.time.Duration;

/**
 * The tenant's step-up configuration in force: validation window (15..60 minutes),
 * completion-cookie max age (1..300 seconds) and the TOTP parameters new enrolments get.
 */
public record StepUpConfiguration(int validationWindowMinutes, int completedCookieMaxAgeSeconds, TotpParameters totp) {

    public static final int MIN_WINDOW = 15;
    public static final int MAX_WINDOW = 60;
    public static final int MIN_COOKIE_AGE = 1;
    public static final int MAX_COOKIE_AGE = 300;

    public Duration validationWindow() {
        return Duration.ofMinutes(validationWindowMinutes);
    }

    public Duration completedCookieMaxAge() {
        return Duration.ofSeconds(completedCookieMaxAgeSeconds);
    }
}
