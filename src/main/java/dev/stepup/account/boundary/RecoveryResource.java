package dev.stepup.account.boundary;

import dev.stepup.authentication.boundary.CurrentCaller;
import dev.stepup.elevation.boundary.StepUpRequired;
import dev.stepup.identity.entity.Role;
import dev.stepup.otp.control.Verification;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.RequestBodies;
import dev.stepup.platform.boundary.Responses;
import dev.stepup.registration.boundary.StatusView;
import dev.stepup.registration.boundary.VerificationAnswers;
import dev.stepup.registration.control.Registrations;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The caller's own way back after losing the device: recovery codes (how many are left, ten
 * new ones after a fresh step-up) and {@code POST /api/mfa/recover}, which uses one up and
 * resets the TOTP registration so the caller can enrol again without an administrator.
 */
@ApplicationScoped
@Path("mfa")
@DenyAll
@Produces(Responses.JSON)
@Transactional(dontRollbackOn = ApiException.class)
public class RecoveryResource {

    @Inject
    Registrations registrations;

    @Inject
    CurrentCaller caller;

    @Inject
    RequestBodies bodies;

    @POST
    @Path("recover")
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response recover(String body) {
        RecoveryRequest request = bodies.read(body, RecoveryRequest.class);
        Verification result = registrations.recover(caller.get().id(), request.recoveryCode());
        if (result instanceof Verification.Accepted) {
            return Response.ok(StatusView.of(RegistrationStatus.UNREGISTERED, Factor.TOTP)).build();
        }
        if (result instanceof Verification.Rejected) {
            return Responses.error(403, "MFA-0006", "The recovery code is not one of yours, or it was used already");
        }
        return VerificationAnswers.shared(result);
    }

    @GET
    @Path("recovery-codes")
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    public Response remaining() {
        long remaining = registrations.recoveryCodesLeft(caller.get().id()).orElse(0L);
        return Response.ok(Responses.JSON_PROVIDER.createObjectBuilder().add("remaining", remaining).build()).build();
    }

    /** Ten new codes in place of the old ones, shown this once; needs a fresh step-up. */
    @POST
    @Path("recovery-codes")
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    @StepUpRequired(alwaysPrompt = true)
    public Response replace() {
        List<String> codes = registrations.replaceRecoveryCodes(caller.get().id()).orElseThrow(() ->
                new ApiException(409, "MFA-0003", "No TOTP registration: recovery codes come with a confirmed one"));
        JsonArrayBuilder shown = Responses.JSON_PROVIDER.createArrayBuilder();
        codes.forEach(shown::add);
        return Response.ok(Responses.JSON_PROVIDER.createObjectBuilder().add("recoveryCodes", shown).build())
                .header("Cache-Control", "no-store")
                .build();
    }
}
