package dev.stepup.it.guarded;

import dev.stepup.elevation.boundary.StepUpRequired;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * The README's example of an application resource in the same container, added to the WAR
 * by the step-up tests only: one method per mode, and one that goes through a guarded CDI
 * bean instead.
 */
@Path("payouts")
@Produces(MediaType.APPLICATION_JSON)
public class PayoutsResource {

    @Inject
    PayoutService service;

    /** Passes while the caller's last step-up is within the validation window. */
    @POST
    @Path("recent")
    @RolesAllowed("**")
    @StepUpRequired
    public Map<String, String> recent() {
        return Map.of("done", "recent");
    }

    /** Needs a fresh completion cookie, which it uses up. */
    @POST
    @Path("always")
    @RolesAllowed("**")
    @StepUpRequired(alwaysPrompt = true)
    public Map<String, String> always() {
        return Map.of("done", "always");
    }

    /** Not annotated itself: the CDI bean it calls is. */
    @POST
    @Path("service")
    @RolesAllowed("**")
    public Map<String, String> throughService() {
        return Map.of("done", service.changeBankAccount());
    }

    /** Through a guarded, transactional bean method that fails and rolls back. */
    @POST
    @Path("refused")
    @RolesAllowed("**")
    public Map<String, String> refused() {
        return Map.of("done", service.refusedTransfer());
    }
}
