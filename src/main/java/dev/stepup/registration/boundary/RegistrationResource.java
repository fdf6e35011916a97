package dev.stepup.registration.boundary;

import dev.stepup.authentication.boundary.CurrentCaller;
import dev.stepup.authentication.control.Caller;
import dev.stepup.identity.entity.Role;
import dev.stepup.otp.control.Verification;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.RequestBodies;
import dev.stepup.platform.boundary.Responses;
import dev.stepup.registration.control.Enrolment;
import dev.stepup.registration.control.Registrations;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;

/** Self-service enrolment: {@code /api/mfa/register/{factor}}. */
@ApplicationScoped
@Path("mfa/register/{factor}")
@DenyAll
@Produces(Responses.JSON)
@Transactional(dontRollbackOn = ApiException.class)
public class RegistrationResource {

    static final String GENERATE_SECRET = "GENERATE_SECRET";
    static final String VERIFY = "VERIFY";

    /** How recent a session's password must be to start an enrolment. */
    static final Duration PASSWORD_RECENCY = Duration.ofMinutes(5);

    @Inject
    Registrations registrations;

    @Inject
    CurrentCaller caller;

    @Inject
    RequestBodies bodies;

    @Inject
    Clock clock;

    @POST
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(@PathParam("factor") Factor factor, String body) {
        Caller me = caller.get();
        RegistrationRequest request = bodies.read(body, RegistrationRequest.class);
        if (GENERATE_SECRET.equals(request.action())) {
            requireRecentPassword(me, factor);
            Enrolment enrolment = registrations.generateSecret(me.id(), me.name(), factor);
            if (enrolment instanceof Enrolment.Started started) {
                return Response.ok(ChallengeView.of(started, factor)).cacheControl(noStore()).build();
            }
            if (enrolment instanceof Enrolment.AlreadyRegistered) {
                return Responses.error(409, "MFA-0002", "Already registered for " + factor);
            }
            return Responses.error(409, "MFA-0009", "The registration changed at the same moment; try again");
        }
        if (VERIFY.equals(request.action())) {
            Registrations.Confirmation confirmation = registrations.confirm(me.id(), factor, request.otp());
            Verification result = confirmation.result();
            if (result instanceof Verification.Accepted) {
                var codes = Responses.JSON_PROVIDER.createArrayBuilder();
                confirmation.recoveryCodes().forEach(codes::add);
                return Response.ok(Responses.JSON_PROVIDER.createObjectBuilder()
                                .add("status", RegistrationStatus.REGISTERED.name())
                                .add("factor", factor.name())
                                .add("recoveryCodes", codes)
                                .build())
                        .cacheControl(noStore())
                        .build();
            }
            if (result instanceof Verification.Rejected) {
                return Responses.error(400, "MFA-0007", "The code is not right; check the authenticator app and try again");
            }
            return VerificationAnswers.shared(result);
        }
        throw new ApiException(400, "MFA-0008", "action must be GENERATE_SECRET or VERIFY");
    }

    @GET
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    public StatusView status(@PathParam("factor") Factor factor) {
        return StatusView.of(registrations.status(caller.get().id(), factor), factor);
    }

    @GET
    @Path("qr")
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    @Produces({"image/svg+xml", "image/png", MediaType.APPLICATION_JSON})
    public Response qr(@PathParam("factor") Factor factor, @HeaderParam("Accept") String accept) {
        Caller me = caller.get();
        String uri = registrations.pendingUri(me.id(), me.name(), factor).orElseThrow(() ->
                new ApiException(409, "MFA-0003", "No pending challenge: start with GENERATE_SECRET"));
        boolean png = accept != null && accept.contains("image/png") && !accept.contains("image/svg+xml");
        Response.ResponseBuilder answer = png
                ? Response.ok(QrCodes.png(uri, 8), "image/png")
                : Response.ok(QrCodes.svg(uri), "image/svg+xml");
        return answer.cacheControl(noStore()).build();
    }

    @DELETE
    @Path("{credential}")
    @RolesAllowed(Role.TENANT_ADMIN)
    public Response deleteOwn(@PathParam("factor") Factor factor, @PathParam("credential") String credential) {
        Verification result = registrations.deleteOwn(caller.get().id(), factor, credential);
        if (result instanceof Verification.Accepted) {
            return Response.ok(Responses.JSON_PROVIDER.createObjectBuilder()
                    .add("message", "The " + factor + " registration was deleted")
                    .addNull("errorCode")
                    .build()).build();
        }
        if (result instanceof Verification.Rejected) {
            return Responses.error(403, "MFA-0006", "The credential is not a valid current code of the registration");
        }
        return VerificationAnswers.shared(result);
    }

    /**
     * Starting an enrolment over a browser session needs the password typed within
     * {@link #PASSWORD_RECENCY}: a stolen idle session cannot enrol its own device. API-token
     * and Bearer callers have credentials from an administrator or the identity provider.
     */
    private void requireRecentPassword(Caller me, Factor factor) {
        if (me.scheme() == Caller.Scheme.SESSION
                && registrations.status(me.id(), factor) != RegistrationStatus.REGISTERED
                && (me.passwordConfirmedAt() == null
                        || me.passwordConfirmedAt().plus(PASSWORD_RECENCY).isBefore(clock.instant()))) {
            throw new ApiException(403, "AU-0006",
                    "Confirm your password: POST /api/session/confirm, then start the enrolment again");
        }
    }

    static CacheControl noStore() {
        CacheControl cache = new CacheControl();
        cache.setNoStore(true);
        cache.setNoCache(true);
        return cache;
    }
}
