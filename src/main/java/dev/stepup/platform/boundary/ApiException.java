package dev.stepup.platform.boundary;

import java.util.Map;

/**
 * A failure with a contract error code. Thrown where a request cannot go on; mapped to
 * JSON by {@link FailureMapper}. Expected outcomes of a verification are values,
 * not these.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorCode;
    private final Object details;
    private final Map<String, String> headers;

    public ApiException(int status, String errorCode, String message) {
        this(status, errorCode, message, null, Map.of());
    }

    public ApiException(int status, String errorCode, String message, Object details, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.details = details;
        this.headers = headers;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "REQ-0001", message);
    }

    public static ApiException badRequest(String message, Object details) {
        return new ApiException(400, "REQ-0001", message, details, Map.of());
    }

    /** {@code 401 AU-0000}, with the challenge a client needs to know how to authenticate. */
    public static ApiException unauthenticated() {
        return new ApiException(401, "AU-0000", "Authentication required", null,
                Map.of("WWW-Authenticate", "TOKEN realm=\"StepUp\""));
    }

    public static ApiException forbidden() {
        return new ApiException(403, "AU-0403", "Access denied");
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    public Object details() {
        return details;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public ApiError body() {
        return new ApiError(getMessage(), errorCode, details);
    }
}
