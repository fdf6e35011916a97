package dev.stepup.elevation.boundary;

import dev.stepup.authentication.boundary.CurrentCaller;
import dev.stepup.configuration.control.Configurations;
import dev.stepup.identity.entity.Role;
import dev.stepup.platform.boundary.RequestBodies;
import dev.stepup.platform.boundary.Responses;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code /api/step-up/configuration}: everyone may read it, a TenantAdmin may change it (after a
 * step-up, unless it calls with an API token).
 */
@ApplicationScoped
@Path("step-up/configuration")
@DenyAll
@Produces(Responses.JSON)
public class ConfigurationResource {

    @Inject
    Configurations configurations;

    @Inject
    CurrentCaller caller;

    @Inject
    AdministrationGuard administration;

    @GET
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    public ConfigurationView get() {
        return ConfigurationView.of(configurations.current());
    }

    @POST
    @RolesAllowed(Role.TENANT_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public ConfigurationView change(String body) {
        administration.require(false);
        return ConfigurationView.of(configurations.change(ConfigurationRequest.parse(RequestBodies.object(body)),
                caller.get().id()));
    }
}
