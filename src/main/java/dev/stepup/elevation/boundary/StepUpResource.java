package dev.stepup.elevation.boundary;

import dev.stepup.authentication.boundary.CurrentCaller;
import dev.stepup.authentication.control.Caller;
import dev.stepup.configuration.control.Configurations;
import dev.stepup.configuration.control.StepUpConfiguration;
import dev.stepup.elevation.control.CompletionIds;
import dev.stepup.elevation.control.StepUpGuard;
import dev.stepup.identity.entity.Role;
import dev.stepup.otp.control.Verification;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.RequestBodies;
import dev.stepup.platform.boundary.Responses;
import dev.stepup.registration.boundary.VerificationAnswers;
import dev.stepup.registration.control.Purpose;
import dev.stepup.registration.control.Registrations;
import dev.stepup.registration.control.TotpVerifier;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Step-up: {@code /api/step-up/authenticate/{factor}} and {@code /api/step-up/status}. */
@ApplicationScoped
@Path("step-up")
@DenyAll
@Produces(Responses.JSON)
public class StepUpResource {

    @Inject
    TotpVerifier verifier;

    @Inject
    CompletionIds completionIds;

    @Inject
    Configurations configurations;

    @Inject
    StepUpGuard guard;

    @Inject
    Registrations registrations;

    @Inject
    CurrentCaller caller;

    @Inject
    RequestBodies bodies;

    @Inject
    Clock clock;

    @Inject
    HttpServletRequest request;

    @POST
    @Path("authenticate/{factor}")
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional(dontRollbackOn = ApiException.class)
    public Response authenticate(@PathParam("factor") Factor factor, String body) {
        Caller me = caller.get();
        StepUpRequest stepUp = bodies.read(body, StepUpRequest.class);
        Verification result = verifier.verify(me.id(), factor, Purpose.STEP_UP, stepUp.otp());
        if (result instanceof Verification.Accepted) {
            StepUpConfiguration current = configurations.current();
            String completion = completionIds.create(me.id(), current.completedCookieMaxAge());
            request.setAttribute(CompletionCookieFilter.ATTRIBUTE,
                    new CompletionCookieFilter.Issued(completion, current.completedCookieMaxAgeSeconds()));
            return Response.ok(Map.of("result", "SUCCESS")).build();
        }
        if (result instanceof Verification.Rejected) {
            return Response.ok(Map.of("result", "FAILED")).build();
        }
        return VerificationAnswers.shared(result);
    }

    /** Lets a front end decide whether to prompt before it calls a guarded action. */
    @GET
    @Path("status")
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    public JsonObject status() {
        Caller me = caller.get();
        StepUpConfiguration current = configurations.current();
        boolean registered = registrations.status(me.id(), Factor.TOTP) == RegistrationStatus.REGISTERED;
        Optional<Instant> until = guard.validUntil(me, current).filter(clock.instant()::isBefore);
        JsonObjectBuilder json = Responses.JSON_PROVIDER.createObjectBuilder().add("registered", registered);
        until.ifPresentOrElse(u -> json.add("validUntil", u.toString()), () -> json.addNull("validUntil"));
        return json.add("validationWindow", current.validationWindowMinutes()).build();
    }
}
