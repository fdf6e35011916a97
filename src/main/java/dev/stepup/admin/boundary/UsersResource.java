package dev.stepup.admin.boundary;

import dev.stepup.admin.control.RegistrationResets;
import dev.stepup.authentication.boundary.CurrentCaller;
import dev.stepup.elevation.boundary.AdministrationGuard;
import dev.stepup.identity.boundary.TokenRequest;
import dev.stepup.identity.control.ApiTokens;
import dev.stepup.identity.control.Creation;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.control.NewIdentity;
import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.IdentityStatus;
import dev.stepup.identity.entity.IdentityType;
import dev.stepup.identity.entity.Role;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.Page;
import dev.stepup.platform.boundary.PageRequest;
import dev.stepup.platform.boundary.RequestBodies;
import dev.stepup.platform.boundary.Responses;
import dev.stepup.registration.entity.Factor;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Users and service identities, and their API tokens. */
@ApplicationScoped
@Path("users")
@DenyAll
@Produces(Responses.JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional(dontRollbackOn = ApiException.class)
public class UsersResource {

    @Inject
    Identities identities;

    @Inject
    ApiTokens tokens;

    @Inject
    CurrentCaller caller;

    @Inject
    RequestBodies bodies;

    @Inject
    AdministrationGuard administration;

    @Inject
    RegistrationResets resets;

    @POST
    @RolesAllowed(Role.TENANT_ADMIN)
    @Transactional
    public Response create(String body) {
        administration.require(false);
        UserRequest request = bodies.read(body, UserRequest.class);
        IdentityType type = IdentityType.valueOf(request.type());
        String username = type == IdentityType.User ? request.username() : request.name();
        if (username == null || username.isBlank()) {
            String field = type == IdentityType.User ? "username" : "name";
            throw ApiException.badRequest(field + " is required for a " + type, Map.of(field, field + " is required"));
        }
        Set<String> roles = request.adminRoles() == null ? Set.of()
                : request.adminRoles().stream().map(UserRequest.RoleName::name).collect(Collectors.toSet());
        if (roles.contains(Role.STEP_UP_VERIFIER) && (type != IdentityType.ServiceIdentity || roles.size() > 1)) {
            throw ApiException.badRequest("StepUpVerifier is given to a ServiceIdentity alone: it opens the verifier"
                    + " endpoints and nothing else", Map.of("field", "adminRoles"));
        }
        IdentityStatus status = request.status() == null ? IdentityStatus.active : IdentityStatus.valueOf(request.status());
        Creation creation = identities.create(new NewIdentity(type, username.strip(), request.email(), request.firstName(),
                request.lastName(), request.password() == null ? null : request.password().toCharArray(), status, roles),
                caller.get().id());
        if (creation instanceof Creation.Created created) {
            return Response.ok(UserView.of(created.identity())).build();
        }
        throw new ApiException(409, "U-0003", "An identity with this name exists already");
    }

    @GET
    @RolesAllowed({Role.TENANT_ADMIN, Role.IDENTITY_VIEWER})
    public Page<UserView> list(@QueryParam("page") String page, @QueryParam("size") String size) {
        PageRequest request = PageRequest.of(page, size);
        return Page.of(identities.count(), request,
                identities.list(request.offset(), request.size()).stream().map(UserView::of).toList());
    }

    @GET
    @Path("{userId}")
    @RolesAllowed({Role.TENANT_ADMIN, Role.IDENTITY_VIEWER})
    public UserView get(@PathParam("userId") UserId userId) {
        return UserView.of(existing(userId));
    }

    @DELETE
    @Path("{userId}")
    @RolesAllowed(Role.TENANT_ADMIN)
    @Transactional
    public Response delete(@PathParam("userId") UserId userId) {
        administration.require(false);
        return switch (identities.delete(userId, caller.get().id())) {
            case DELETED -> Response.noContent().build();
            case NOT_FOUND -> throw Refusals.userNotFound();
            case LAST_TENANT_ADMIN -> throw new ApiException(409, "U-0003",
                    "The last active TenantAdmin cannot be deleted: make another user TenantAdmin first");
        };
    }

    @POST
    @Path("{userId}/tokens")
    @RolesAllowed(Role.TENANT_ADMIN)
    @Transactional
    public Response createToken(@PathParam("userId") UserId userId, String body) {
        if (userId.equals(caller.get().id())) {
            administration.requireOfEveryone(true); // as POST /api/me/tokens, for every caller
        } else {
            administration.require(true);
        }
        int days = bodies.readOptional(body, TokenRequest.class)
                .map(TokenRequest::tokenExpirationDays)
                .orElse(ApiTokens.MAX_EXPIRATION_DAYS);
        Identity identity = existing(userId);
        String token = tokens.issue(identity.id(), days, caller.get().id()).orElseThrow(Refusals::userNotFound);
        return Response.ok(Map.of("token", token))
                .header("Cache-Control", "no-store")
                .build();
    }

    /** Does what the admin {@code DELETE} of the registration does, for batch jobs. */
    @PATCH
    @Path("{userId}/resetmfa")
    @RolesAllowed({Role.TENANT_ADMIN, Role.IDENTITY_MANAGER})
    @Transactional
    public Response resetMfa(@PathParam("userId") UserId userId) {
        administration.require(false);
        Refusals.unlessReset(resets.reset(caller.get(), userId, Factor.TOTP));
        return Response.noContent().build();
    }

    private Identity existing(UserId userId) {
        return identities.find(userId).orElseThrow(Refusals::userNotFound);
    }
}
