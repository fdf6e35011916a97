package dev.stepup.health.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** A cheap liveness probe for load balancers: {@code HEAD /api/health} → 200, no authentication. */
@ApplicationScoped
@Path("health")
@PermitAll
public class HealthResource {

    @HEAD
    public Response head() {
        return Response.ok().build();
    }

    @GET
    @Produces(dev.stepup.platform.boundary.Responses.JSON)
    public Map<String, String> get() {
        return Map.of("status", "UP");
    }
}
