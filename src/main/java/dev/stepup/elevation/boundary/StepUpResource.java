package dev.stepup.elevation.boundary;

import dev.stepup.authentication.boundary.CheckedWithCode;
import dev.stepup.authentication.boundary.CurrentCaller;
import dev.stepup.authentication.control.Caller;
import dev.stepup.configuration.control.Configurations;
import dev.stepup.configuration.control.StepUpConfiguration;
import dev.stepup.elevation.control.StepUpGuard;
import dev.stepup.elevation.control.StepUpOutcome;
import dev.stepup.elevation.control.StepUps;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.Role;
import dev.stepup.otp.control.Verification;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.RequestBodies;
import dev.stepup.platform.boundary.Responses;
import dev.stepup.registration.boundary.VerificationAnswers;
import dev.stepup.registration.control.CodeBatches;
import dev.stepup.registration.control.Registrations;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import dev.stepup.registration.entity.StepUpFactor;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
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

/**
 * Step-up: the caller's own ({@code /api/step-up/authenticate/{factor}}, {@code /status}), and
 * the two endpoints of applications beside StepUp, for their {@code StepUpVerifier} services.
 * The methods that check a code open no transaction: on PostgreSQL a batch of codes checks it
 * in a transaction of its own, and {@code CodeVerifier} opens one for a code checked alone, so
 * a transaction here would only be begun and committed around them.
 */
@ApplicationScoped
@Path("step-up")
@DenyAll
@Produces(Responses.JSON)
public class StepUpResource {

    /**
     * The two answers of a step-up, made once: JSON-B would write a new map's two fields at
     * every request, for about a twentieth of a wrong code's CPU on Payara.
     */
    private static final JsonObject SUCCESS = result("SUCCESS").build();
    private static final JsonObject FAILED = result("FAILED").build();

    @Inject
    StepUps stepUps;

    @Inject
    Identities identities;

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
    @CheckedWithCode
    @Consumes(MediaType.APPLICATION_JSON)
    public Response authenticate(@PathParam("factor") StepUpFactor factor, String body) {
        Optional<String> tokenHash = caller.pendingTokenHash();
        StepUpOutcome outcome;
        if (tokenHash.isPresent() && factor == StepUpFactor.TOTP) {
            outcome = authenticateByToken(tokenHash.get(), body);
        } else {
            Caller me = caller.require(Role.ANY_AUTHENTICATED);
            outcome = stepUps.authenticate(me, factor, bodies.read(body, StepUpRequest.class).otp());
        }
        if (outcome instanceof StepUpOutcome.Succeeded succeeded) {
            request.setAttribute(CompletionCookieFilter.ATTRIBUTE,
                    new CompletionCookieFilter.Issued(succeeded.completion(), stepUps.completionMaxAgeSeconds()));
            return Response.ok(SUCCESS).build();
        }
        return failed(((StepUpOutcome.NotAccepted) outcome).verification(), FAILED);
    }

    /**
     * A step-up with a TOTP code whose caller's API token the authentication left pending: the
     * batch that checks the code reads the token too ({@link StepUps#authenticateByToken}), and
     * what it leaves unsettled is checked alone. A request no batch checks (a body or code it
     * cannot read, no batch) has its token checked on its own first, so that it is refused as
     * unauthenticated before its body is. The rule is {@code @RolesAllowed("**")}, as the role
     * check requires of a method marked {@link CheckedWithCode}.
     */
    private StepUpOutcome authenticateByToken(String tokenHash, String body) {
        StepUpRequest stepUp;
        try {
            stepUp = bodies.read(body, StepUpRequest.class);
        } catch (RuntimeException unreadable) {
            caller.require(Role.ANY_AUTHENTICATED);
            throw unreadable;
        }
        Optional<CodeBatches.Answer> answer = stepUps.authenticateByToken(tokenHash,
                roles -> CurrentCaller.admits(roles, Role.ANY_AUTHENTICATED), stepUp.otp());
        if (answer.isEmpty()) {
            return stepUps.authenticateAlone(caller.require(Role.ANY_AUTHENTICATED), stepUp.otp());
        }
        if (answer.get() instanceof CodeBatches.Answer.Checked checked) {
            Caller me = caller.accept(checked.caller(), Role.ANY_AUTHENTICATED);
            return checked.verification().map(result -> stepUps.outcome(me, StepUpFactor.TOTP, result))
                    .orElseGet(() -> stepUps.authenticateAlone(me, stepUp.otp()));
        }
        if (answer.get() instanceof CodeBatches.Answer.Forbidden forbidden) {
            caller.accept(forbidden.caller(), Role.ANY_AUTHENTICATED); // 403 AU-0403: the rule does not admit it
        }
        throw caller.refuse();
    }

    /**
     * An application beside StepUp uses up the completion its user's browser carried (way 1).
     * Anything but the user's unexpired, unused completion, an unknown user included, is
     * {@code 403 PE-0028}.
     */
    @POST
    @Path("completions/consume")
    @RolesAllowed(Role.STEP_UP_VERIFIER)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response consume(String body) {
        ConsumeRequest consume = bodies.read(body, ConsumeRequest.class);
        if (consume.completionId() == null) {
            throw ApiException.badRequest("completionId is required", Map.of("field", "completionId"));
        }
        Optional<Identity> user = consume.user(identities);
        Optional<StepUps.Consumed> used = user.flatMap(u -> stepUps.consume(u.id(), consume.completionId()));
        if (used.isEmpty()) {
            throw new StepUpRequiredException(Map.of());
        }
        return Response.ok(Responses.JSON_PROVIDER.createObjectBuilder()
                .add("userId", user.get().id().value())
                .add("username", user.get().username())
                .add("factor", used.get().factor().name())
                .add("verifiedAt", used.get().verifiedAt().toString())
                .add("validUntil", used.get().validUntil().toString())
                .build()).build();
    }

    /**
     * An application beside StepUp checks a code its user typed into the application's own
     * page (way 2): the same replay and throttling as the user's own step-up; no cookie.
     */
    @POST
    @Path("verify/{factor}")
    @RolesAllowed(Role.STEP_UP_VERIFIER)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response verify(@PathParam("factor") StepUpFactor factor, String body) {
        VerifyRequest verify = bodies.read(body, VerifyRequest.class);
        Identity user = verify.user(identities).orElseThrow(() -> new ApiException(404, "U-0001", "User not found"));
        StepUpOutcome outcome = stepUps.verifyFor(caller.get().id(), user.id(), factor, verify.otp());
        if (outcome instanceof StepUpOutcome.Succeeded succeeded) {
            return Response.ok(result("SUCCESS")
                    .add("userId", user.id().value())
                    .add("validUntil", succeeded.validUntil().toString())
                    .build()).build();
        }
        return failed(((StepUpOutcome.NotAccepted) outcome).verification(),
                result("FAILED").add("userId", user.id().value()).build());
    }

    /** An answer's {@code {"result": ...}}, for more members to be added. */
    private static JsonObjectBuilder result(String result) {
        return Responses.JSON_PROVIDER.createObjectBuilder().add("result", result);
    }

    /** A wrong or used code answers {@code 200} with {@code failedBody}; the rest as every verifying path does. */
    private static Response failed(Verification result, JsonObject failedBody) {
        if (result instanceof Verification.Rejected) {
            return Response.ok(failedBody).build();
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
