package dev.stepup.platform.boundary;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bean Validation failures of request records: {@code 400 REQ-0001}, with the field
 * names and constraint messages in {@code details}. More specific than the runtime's
 * own validation mapper, so it wins.
 */
@Provider
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {

    @Override
    public Response toResponse(ConstraintViolationException exception) {
        Map<String, String> fields = new TreeMap<>();
        for (ConstraintViolation<?> violation : exception.getConstraintViolations()) {
            fields.merge(field(violation.getPropertyPath()), violation.getMessage(), (a, b) -> a.contains(b) ? a : a + "; " + b);
        }
        return Responses.error(400, new ApiError("Invalid request: " + String.join(", ", fields.keySet()), "REQ-0001", fields));
    }

    /** The last node of the path names the field ({@code create.arg0.username} → {@code username}). */
    private static String field(Path path) {
        String name = "request";
        for (Path.Node node : path) {
            if (node.getName() != null && !node.getName().startsWith("arg") && node.getKind() != jakarta.validation.ElementKind.METHOD) {
                name = node.getName();
            }
        }
        return name;
    }
}
