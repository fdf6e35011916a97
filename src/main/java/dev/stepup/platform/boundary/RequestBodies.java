package dev.stepup.platform.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParser;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a JSON request body into a request record and validates it. Resources take the
 * body as text and call this, so that every runtime answers alike: an empty body,
 * malformed JSON, anything but one JSON object, a fractional number for a whole-number
 * field and a wrong JSON type (a number for a text field too) are all {@code 400 REQ-0001}.
 */
@ApplicationScoped
public class RequestBodies {

    private static final Pattern DIGITS = Pattern.compile("[-+]?[0-9]+");

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
        JsonObject object = object(body);
        requireDeclaredTypes(object, type);
        T value;
        try {
            value = jsonb.fromJson(object.toString(), type);
        } catch (JsonbException | ClassCastException | IllegalArgumentException e) {
            throw ApiException.badRequest("The request body is not valid JSON of the expected shape");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return Optional.of(value);
    }

    /** Exactly one JSON object, nothing before or after it. */
    public static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("A JSON request body is required");
        }
        try (JsonParser parser = Responses.JSON_PROVIDER.createParser(new StringReader(body))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw ApiException.badRequest("The request body must be a JSON object");
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                throw ApiException.badRequest("The request body must be one JSON object and nothing after it");
            }
            return object;
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            // Besides JsonException, the parser throws NumberFormatException (an exponent
            // beyond int), UnsupportedOperationException (a number of over 1 100 digits) or a
            // bare RuntimeException (nesting deeper than 1 000) for input it cannot read.
            throw ApiException.badRequest("The request body is not valid JSON");
        }
    }

    /**
     * What JSON-B would bend rather than refuse: it writes a number or {@code true} into a
     * text field as text ({@code "username": 5} would make the user "5"), and truncates 1.5
     * to 1 for an integer field. Both are a wrong JSON type, refused here. Integral means
     * scale 0, so {@code 1e3} is refused too, and nothing with an exponent is ever expanded.
     * Anything else in a whole-number field but a string of digits (which the contract
     * accepts) is refused here too, so the answer names the field.
     */
    private static void requireDeclaredTypes(JsonObject object, Class<?> type) {
        if (!type.isRecord()) {
            return;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            String name = component.getName();
            Class<?> field = component.getType();
            JsonValue value = object.get(name);
            if (value == null || value == JsonValue.NULL) {
                continue;
            }
            if (field == String.class && !(value instanceof JsonString)) {
                throw ApiException.badRequest(name + " must be a JSON string", Map.of("field", name));
            }
            boolean whole = field == Integer.class || field == int.class || field == Long.class || field == long.class;
            if (whole && !isWholeNumber(value)) {
                throw ApiException.badRequest(name + " must be a whole number", Map.of("field", name));
            }
        }
    }

    /** An integral JSON number, or a string of digits with an optional sign (JSON-B parses it). */
    private static boolean isWholeNumber(JsonValue value) {
        if (value instanceof JsonNumber number) {
            return number.isIntegral();
        }
        return value instanceof JsonString text && DIGITS.matcher(text.getString()).matches();
    }
}
