package dev.stepup.account.boundary;

import dev.stepup.authentication.boundary.CurrentCaller;
import dev.stepup.authentication.boundary.SessionView;
import dev.stepup.authentication.control.BrowserSessions;
import dev.stepup.authentication.control.Caller;
import dev.stepup.elevation.boundary.StepUpRequired;
import dev.stepup.identity.boundary.TokenRequest;
import dev.stepup.identity.control.ApiTokens;
import dev.stepup.identity.entity.Role;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.RequestBodies;
import dev.stepup.platform.boundary.Responses;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code /api/me}: who is calling, and the caller's own API token. Creating (or replacing)
 * one's token hands out a credential, so it needs a fresh step-up every time; the admin
 * endpoint {@code POST /api/users/{userId}/tokens} stays unguarded for batch jobs.
 */
@ApplicationScoped
@Path("me")
@DenyAll
@Produces(Responses.JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AccountResource {

    @Inject
    CurrentCaller caller;

    @Inject
    ApiTokens tokens;

    @Inject
    RequestBodies bodies;

    @Inject
    HttpServletRequest request;

    @GET
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    public Response me() {
        return Response.ok(SessionView.of(caller.get(), (String) request.getAttribute(BrowserSessions.CSRF_ATTRIBUTE)))
                .header("Cache-Control", "no-store")
                .build();
    }

    @POST
    @Path("tokens")
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    @StepUpRequired(alwaysPrompt = true)
    @Transactional
    public Response createToken(String body) {
        int days = bodies.readOptional(body, TokenRequest.class)
                .map(TokenRequest::tokenExpirationDays)
                .orElse(ApiTokens.MAX_EXPIRATION_DAYS);
        Caller me = caller.get();
        String token = tokens.issue(me.id(), days, me.id()).orElseThrow(ApiException::unauthenticated);
        return Response.ok(Map.of("token", token))
                .header("Cache-Control", "no-store")
                .build();
    }
}
