package dev.stepup.platform.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
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

/**
 * Reads a JSON request body into a request record and validates it. Resources take the
 * body as text and call this, so that every runtime answers alike: an empty body,
 * malformed JSON, anything but one JSON object, a fractional number for a whole-number
 * field, a wrong JSON type and text that no database column can hold (a NUL character, an
 * unpaired surrogate) are all {@code 400 REQ-0001}.
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
        JsonObject object = object(body);
        requireWholeNumbers(object, type);
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
            requireStorableText(object, "");
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
     * PostgreSQL refuses a NUL in text, and its driver writes an unpaired surrogate (such as
     * U+D800 alone) as {@code ?}, so that the name would be stored, and found, as another. Neither
     * belongs in a name or a code, so no string of a body, and no member name, may hold one.
     */
    private static void requireStorableText(JsonValue value, String path) {
        if (value instanceof JsonObject object) {
            object.forEach((name, member) -> {
                String field = path.isEmpty() ? name : path + "." + name;
                if (!storable(name)) {
                    throw unstorable(path);
                }
                requireStorableText(member, field);
            });
        } else if (value instanceof JsonArray array) {
            array.forEach(element -> requireStorableText(element, path));
        } else if (value instanceof JsonString text && !storable(text.getString())) {
            throw unstorable(path);
        }
    }

    private static boolean storable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0' || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    private static ApiException unstorable(String field) {
        String message = "Text in the request body must not contain a NUL character or an unpaired surrogate";
        return field.isEmpty() ? ApiException.badRequest(message) : ApiException.badRequest(message, Map.of("field", field));
    }

    /**
     * JSON-B would truncate 1.5 to 1 for an integer field; refuse it instead. Integral
     * means scale 0 here, so {@code 1e3} is refused too, and nothing with an exponent is
     * ever expanded.
     */
    private static void requireWholeNumbers(JsonObject object, Class<?> type) {
        if (!type.isRecord()) {
            return;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            Class<?> field = component.getType();
            boolean whole = field == Integer.class || field == int.class || field == Long.class || field == long.class;
            if (whole && object.get(component.getName()) instanceof JsonNumber number && !number.isIntegral()) {
                throw ApiException.badRequest(component.getName() + " must be a whole number",
                        Map.of("field", component.getName()));
            }
        }
    }
}
