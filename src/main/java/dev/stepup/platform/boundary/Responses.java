package dev.stepup.platform.boundary;

import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Builds the contract's error responses in one place, so every mapper answers alike.
 */
public final class Responses {

    public static final String JSON = MediaType.APPLICATION_JSON + ";charset=UTF-8";

    /**
     * The JSON-P provider, looked up once: {@code Json.createParser} and friends look it up
     * through the service loader on every call, which profiling showed to dominate a request.
     */
    public static final JsonProvider JSON_PROVIDER = JsonProvider.provider();

    private Responses() {
    }

    /** The error body for a refusal known only by its status, from JAX-RS or the container. */
    public static ApiError forStatus(int status) {
        return switch (status) {
            case 400 -> ApiError.of("Bad request", "REQ-0001");
            case 401 -> ApiError.of("Authentication required", "AU-0000");
            case 403 -> ApiError.of("Access denied", "AU-0403");
            case 404 -> ApiError.of("No such resource", "REQ-0404");
            case 405 -> ApiError.of("Method not allowed on this resource", "REQ-0405");
            case 406 -> ApiError.of("Only application/json can be produced", "REQ-0406");
            case 413 -> ApiError.of("Request body too large", "REQ-0413");
            case 415 -> ApiError.of("Request body must be application/json", "REQ-0415");
            default -> status >= 500
                    ? ApiError.of("Internal error", "SRV-0500")
                    : ApiError.of("Request refused", "REQ-" + String.format("%04d", status));
        };
    }

    public static Response error(int status, String errorCode, String message) {
        return error(status, new ApiError(message, errorCode, null));
    }

    public static Response error(int status, ApiError body) {
        return Response.status(status).type(JSON).entity(body).build();
    }

    public static Response error(ApiException e) {
        Response.ResponseBuilder builder = Response.status(e.status()).type(JSON).entity(e.body());
        e.headers().forEach(builder::header);
        return builder.build();
    }
}
