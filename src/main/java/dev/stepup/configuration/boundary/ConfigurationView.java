package dev.stepup.configuration.boundary;

import dev.stepup.configuration.control.Settings;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The configuration as the API shows and takes it. */
@JsonbPropertyOrder({"validationWindow", "completedCookieMaxAge", "totpConfiguration"})
public record ConfigurationView(int validationWindow, int completedCookieMaxAge, Totp totpConfiguration) {

    @JsonbPropertyOrder({"hashFunction", "digits", "timeStep"})
    public record Totp(String hashFunction, int digits, int timeStep) {
    }

    public static ConfigurationView of(Settings settings) {
        return new ConfigurationView(settings.validationWindowMinutes(), settings.completedCookieMaxAgeSeconds(),
                new Totp(settings.totp().hashFunction().name(), settings.totp().digits(), settings.totp().timeStepSeconds()));
    }
}
