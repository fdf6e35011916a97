package dev.stepup.platform.boundary;

import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.io.UnsupportedEncodingException;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure that reaches JAX-RS into the contract's JSON error. Bad input is
 * recognised anywhere in the cause chain (JSON-B and JSON-P wrap each other and the
 * runtime wraps both), so malformed bodies are a 400, never a 500. Only unexpected
 * failures are logged, and their bodies say nothing about the cause.
 */
@Provider
public class FailureMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(FailureMapper.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        // The contract's answer first, wherever it sits: InvalidParameter carries one as its cause.
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof ApiException api) {
                return Responses.error(api);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // Jersey names an unknown charset with java.nio's exceptions, RESTEasy with java.io's.
            if (t instanceof IllegalCharsetNameException || t instanceof UnsupportedCharsetException
                    || t instanceof UnsupportedEncodingException) {
                return Responses.error(415, "REQ-0415", "Unsupported charset; send application/json in UTF-8");
            }
            if (t instanceof JsonbException || t instanceof JsonException) {
                return Responses.error(400, "REQ-0001", "The request body is not valid JSON of the expected shape");
            }
            if (t instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
                return fromStatus(web);
            }
            if (t == t.getCause()) {
                break;
            }
        }
        LOG.log(Level.SEVERE, "Unexpected failure while serving a request", failure);
        return Responses.error(500, Responses.forStatus(500));
    }

    private static Response fromStatus(WebApplicationException web) {
        int status = web.getResponse().getStatus();
        Response response = Responses.error(status, Responses.forStatus(status));
        if (web instanceof NotAllowedException) {
            String allow = web.getResponse().getHeaderString(HttpHeaders.ALLOW);
            if (allow != null) {
                return Response.fromResponse(response).header(HttpHeaders.ALLOW, allow).build();
            }
        }
        return response;
    }
}
