package dev.stepup.guard;

import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Answers a refused JAX-RS method as StepUp answers: {@code {"message","errorCode","details"}},
 * e.g. {@code 403 {"message":"Step up authentication required","errorCode":"PE-0028","details":null}}.
 * The server finds it in the jar as it finds the application's own providers.
 */
@Provider
public class StepUpGuardExceptionMapper implements ExceptionMapper<StepUpGuardException> {

    @Override
    public Response toResponse(StepUpGuardException refusal) {
        String body = Json.createObjectBuilder()
                .add("message", refusal.getMessage())
                .add("errorCode", refusal.errorCode())
                .addNull("details")
                .build()
                .toString();
        Response.ResponseBuilder response = Response.status(refusal.status())
                .type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
                .header("Cache-Control", "no-store")
                .entity(body);
        refusal.challenge().ifPresent(challenge -> response.header("WWW-Authenticate", challenge));
        return response.build();
    }
}
