package dev.stepup.it.harness;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Deployed by the tests only: writes a marker the test chose into the server log, so that a
 * test that checks what the log does not hold can first wait until the log has been written
 * up to the requests it made (the log handler writes lines in the order they were logged).
 */
@Path("test-harness/log-marker")
public class LogMarkerResource {

    private static final Logger LOG = Logger.getLogger(LogMarkerResource.class.getName());
    private static final Pattern MARKER = Pattern.compile("[A-Za-z0-9-]{1,80}");

    @POST
    @RolesAllowed("**")
    public Response mark(@QueryParam("marker") String marker) {
        if (marker == null || !MARKER.matcher(marker).matches()) {
            return Response.status(400).build();
        }
        LOG.info("Test log marker " + marker);
        return Response.noContent().build();
    }
}
