package dev.stepup.audit.boundary;

import dev.stepup.audit.control.AuditTrail;
import dev.stepup.identity.boundary.UserIdConverter;
import dev.stepup.identity.entity.Role;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.Page;
import dev.stepup.platform.boundary.PageRequest;
import dev.stepup.platform.boundary.Responses;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code GET /api/audit}: the audit trail, newest first, for a TenantAdmin. */
@ApplicationScoped
@Path("audit")
@DenyAll
@Produces(Responses.JSON)
public class AuditResource {

    private static final Pattern TYPE = Pattern.compile("[A-Z_]{1,40}");
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    @Inject
    AuditTrail trail;

    @GET
    @RolesAllowed(Role.TENANT_ADMIN)
    public Page<AuditView> list(@QueryParam("userId") String userId, @QueryParam("type") String type,
                                @QueryParam("from") String from, @QueryParam("to") String to,
                                @QueryParam("page") String page, @QueryParam("size") String size) {
        PageRequest request = PageRequest.of(page, size);
        Optional<String> user = blank(userId) ? Optional.empty() : Optional.of(UserIdConverter.parse(userId).value());
        Optional<String> kind = blank(type) ? Optional.empty() : Optional.of(type(type));
        Optional<Instant> since = instant("from", from);
        Optional<Instant> until = instant("to", to);
        return Page.of(trail.count(user, kind, since, until), request,
                trail.page(user, kind, since, until, request.offset(), request.size()).stream().map(AuditView::of).toList());
    }

    /** An audit type as the trail writes them: capitals and underscores, at most 40. */
    private static String type(String value) {
        if (!TYPE.matcher(value).matches()) {
            throw ApiException.badRequest("type must be an audit type such as STEP_UP", Map.of("field", "type"));
        }
        return value;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** An instant of the years 1 to 9999, which every database StepUp runs on can compare. */
    private static Optional<Instant> instant(String name, String value) {
        if (blank(value)) {
            return Optional.empty();
        }
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be an ISO-8601 instant such as 2026-11-23T10:15:00Z",
                    Map.of("field", name));
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw ApiException.badRequest(name + " must lie in the years 1 to 9999", Map.of("field", name));
        }
        return Optional.of(instant);
    }
}
