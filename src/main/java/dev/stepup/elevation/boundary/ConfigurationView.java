package dev.stepup.elevation.boundary;

import dev.stepup.configuration.control.StepUpConfiguration;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The configuration as the API shows and takes it. */
@JsonbPropertyOrder({"validationWindow", "completedCookieMaxAge", "totpConfiguration"})
public record ConfigurationView(int validationWindow, int completedCookieMaxAge, Totp totpConfiguration) {

    @JsonbPropertyOrder({"hashFunction", "digits", "timeStep"})
    public record Totp(String hashFunction, int digits, int timeStep) {
    }

    public static ConfigurationView of(StepUpConfiguration configuration) {
        return new ConfigurationView(configuration.validationWindowMinutes(), configuration.completedCookieMaxAgeSeconds(),
                new Totp(configuration.totp().hashFunction().name(), configuration.totp().digits(), configuration.totp().timeStepSeconds()));
    }
}
