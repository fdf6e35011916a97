package dev.stepup.platform.boundary;

import jakarta.ws.rs.WebApplicationException;

/**
 * What a {@code ParamConverter} throws for a path or query parameter it cannot read. JAX-RS
 * answers any other exception from a converter with {@code 404}; a
 * {@code WebApplicationException} reaches the exception mappers as it is, and
 * {@link FailureMapper} answers with the {@link ApiException} it carries.
 */
public final class InvalidParameter extends WebApplicationException {

    public InvalidParameter(ApiException answer) {
        super(answer, answer.status());
    }
}
