package dev.stepup.platform.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a JSON request body into a request record and validates it. Resources take the
 * body as text and call this, so that an empty body, malformed JSON and a wrong JSON type
 * get the same {@code 400 REQ-0001} on every JAX-RS runtime.
 */
@ApplicationScoped
public class RequestBodies {

    private final Jsonb jsonb = JsonbBuilder.create();

    @Inject
    Validator validator;

    public <T> T read(String body, Class<T> type) {
        return readOptional(body, type).orElseThrow(() -> ApiException.badRequest("A JSON request body is required"));
    }

    public <T> Optional<T> readOptional(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        T value;
        try {
            value = jsonb.fromJson(body, type);
        } catch (JsonbException | ClassCastException | IllegalArgumentException e) {
            throw ApiException.badRequest("The request body is not valid JSON of the expected shape");
        }
        if (value == null) {
            return Optional.empty();
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return Optional.of(value);
    }
}
