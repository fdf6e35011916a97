package dev.stepup.platform.boundary;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code Content-Type} or {@code Accept} header that is no media type is {@code 400
 * REQ-0001}. Both runtimes parse these headers while matching the request to a resource
 * method, and neither answers a failure there in the contract's JSON: Jersey sends an empty
 * {@code 400} (the container's error page), RESTEasy throws an exception of its own that
 * would be a {@code 500}. Read here first, before matching, a failure is ours to answer;
 * where Jersey refuses a {@code Content-Type} even earlier, the error page ({@code ErrorPage})
 * writes the same JSON.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 200)
public class MediaTypeHeaders implements ContainerRequestFilter {

    /**
     * RFC 9110's {@code qvalue}, and {@code .2} as well: Java's own HTTP client sent
     * {@code *; q=.2} for years, and Jersey and RESTEasy both take it.
     */
    private static final Pattern QUALITY = Pattern.compile("0(\\.[0-9]{0,3})?|\\.[0-9]{1,3}|1(\\.0{0,3})?");

    @Override
    public void filter(ContainerRequestContext request) {
        try {
            request.getMediaType();
        } catch (RuntimeException e) {
            // 400 rather than 415 even with a body: Jersey (Payara) refuses such a header itself
            // with 400 before this filter runs, and both runtimes should answer alike.
            throw ApiException.badRequest("Content-Type must be a media type such as application/json");
        }
        List<MediaType> accepted;
        try {
            accepted = request.getAcceptableMediaTypes();
        } catch (RuntimeException e) {
            throw notAccept();
        }
        // RESTEasy reads a quality only while matching; Jersey has already read it above.
        for (MediaType type : accepted) {
            String quality = type.getParameters().get("q");
            if (quality != null && !QUALITY.matcher(quality).matches()) {
                throw notAccept();
            }
        }
    }

    private static ApiException notAccept() {
        return ApiException.badRequest("Accept must be a list of media types such as application/json");
    }
}
