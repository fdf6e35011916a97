package dev.stepup.admin.boundary;

import dev.stepup.admin.control.RegistrationResets;
import dev.stepup.authentication.boundary.CurrentCaller;
import dev.stepup.elevation.boundary.AdministrationGuard;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.entity.Role;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.Page;
import dev.stepup.platform.boundary.PageRequest;
import dev.stepup.platform.boundary.Responses;
import dev.stepup.registration.boundary.StatusView;
import dev.stepup.registration.control.RegistrationRow;
import dev.stepup.registration.control.Registrations;
import dev.stepup.registration.control.RegistrationsOverview;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.RegistrationStatus;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@code /api/mfa/admin/registrations/{factor}}: other users' registrations. */
@ApplicationScoped
@Path("mfa/admin/registrations/{factor}")
@DenyAll
@Produces(Responses.JSON)
@Transactional(dontRollbackOn = ApiException.class)
public class AdminRegistrationsResource {

    @Inject
    Registrations registrations;

    @Inject
    RegistrationsOverview overview;

    @Inject
    Identities identities;

    @Inject
    CurrentCaller caller;

    @Inject
    AdministrationGuard administration;

    @Inject
    RegistrationResets resets;

    @GET
    @Path("users/{targetUserId}")
    @RolesAllowed({Role.TENANT_ADMIN, Role.IDENTITY_VIEWER})
    public StatusView status(@PathParam("factor") Factor factor, @PathParam("targetUserId") UserId user) {
        if (identities.find(user).isEmpty()) {
            throw Refusals.userNotFound();
        }
        return StatusView.of(registrations.status(user, factor), factor);
    }

    /** Resets a user's registration; {@code 204} also when there was none, so batch jobs can retry. */
    @DELETE
    @Path("users/{targetUserId}")
    @RolesAllowed({Role.TENANT_ADMIN, Role.IDENTITY_MANAGER})
    public Response reset(@PathParam("factor") Factor factor, @PathParam("targetUserId") UserId user) {
        administration.require(false);
        Refusals.unlessReset(resets.reset(caller.get(), user, factor));
        return Response.noContent().build();
    }

    @GET
    @RolesAllowed({Role.TENANT_ADMIN, Role.IDENTITY_VIEWER})
    public Page<RegistrationRow> list(@PathParam("factor") Factor factor, @QueryParam("status") String status,
                                      @QueryParam("page") String page, @QueryParam("size") String size) {
        Optional<RegistrationStatus> filter = status(status);
        PageRequest request = PageRequest.of(page, size);
        RegistrationsOverview.Listing listing = overview.list(factor, filter, request.offset(), request.size());
        return Page.of(listing.count(), request, listing.rows());
    }

    /** Purges stale pending enrolments: {@code ?status=CHALLENGE&olderThanHours=24}. */
    @DELETE
    @RolesAllowed({Role.TENANT_ADMIN, Role.IDENTITY_MANAGER})
    public Map<String, Integer> purge(@PathParam("factor") Factor factor, @QueryParam("status") String status,
                                      @QueryParam("olderThanHours") String olderThanHours) {
        administration.require(false);
        if (!RegistrationStatus.CHALLENGE.name().equals(status)) {
            throw ApiException.badRequest("Only status=CHALLENGE can be purged", Map.of("field", "status"));
        }
        int hours = hours(olderThanHours);
        return Map.of("deleted", overview.purgeChallenges(factor, Duration.ofHours(hours), caller.get().id()));
    }

    private static Optional<RegistrationStatus> status(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        for (RegistrationStatus status : RegistrationStatus.values()) {
            if (status != RegistrationStatus.UNREGISTERED && status.name().equals(value)) {
                return Optional.of(status);
            }
        }
        throw ApiException.badRequest("status must be CHALLENGE or REGISTERED", Map.of("field", "status"));
    }

    private static int hours(String value) {
        return PageRequest.wholeNumber("olderThanHours", value, 24, 1, 8760);
    }
}
