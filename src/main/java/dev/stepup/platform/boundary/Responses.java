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
