package dev.stepup.registration.control;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.time.Instant;

/** One line of the registrations listing. */
@JsonbNillable
@JsonbPropertyOrder({"userId", "username", "status", "factor", "createdAt", "lastUsedAt"})
public record RegistrationRow(String userId, String username, String status, String factor, Instant createdAt,
                              Instant lastUsedAt) {
}
