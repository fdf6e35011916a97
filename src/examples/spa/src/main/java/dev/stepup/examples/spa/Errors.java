package dev.stepup.examples.spa;

import jakarta.json.Json;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Refusals in StepUp's error format, {@code {"message","errorCode","details"}}, so the page reads one format. */
final class Errors {

    private Errors() {
    }

    static WebApplicationException of(int status, String errorCode, String message) {
        return new WebApplicationException(Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Json.createObjectBuilder().add("message", message).add("errorCode", errorCode).addNull("details")
                        .build().toString())
                .build());
    }
}
