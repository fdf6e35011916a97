package dev.stepup.it.guarded;

import dev.stepup.elevation.boundary.StepUpRequired;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** Not in the README: a window-guarded method that calls an always-prompt bean method. */
@Path("mixed")
@Produces(MediaType.APPLICATION_JSON)
public class MixedGuardsResource {

    @Inject
    PayoutService service;

    @POST
    @RolesAllowed("**")
    @StepUpRequired
    public Map<String, String> windowThenPrompt() {
        return Map.of("done", service.changeBankAccount());
    }
}
