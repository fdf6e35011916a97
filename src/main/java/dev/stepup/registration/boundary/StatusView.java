package dev.stepup.registration.boundary;

import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** {@code {"status": "...", "factor": "TOTP"}} */
@JsonbPropertyOrder({"status", "factor"})
public record StatusView(String status, String factor) {

    public static StatusView of(RegistrationStatus status, Factor factor) {
        return new StatusView(status.name(), factor.name());
    }
}
