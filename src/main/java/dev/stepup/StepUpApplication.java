package dev.stepup;

import dev.stepup.identity.entity.Role;
import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/**
 * The JSON API lives under {@code /api}. Roles are declared here; the authentication
 * mechanism is {@code dev.stepup.authentication.boundary.CallerAuthentication}, which the
 * Jakarta Authentication module {@code CallerAuthModule} runs for every request. It sits above
 * the feature packages because it names what they share: the API's path and the roles.
 */
@ApplicationPath("api")
@DeclareRoles({Role.TENANT_ADMIN, Role.IDENTITY_VIEWER, Role.IDENTITY_MANAGER, Role.STEP_UP_VERIFIER})
public class StepUpApplication extends Application {

    /**
     * Jersey (Payara) would publish {@code /api/application.wadl}, which RESTEasy (WildFly)
     * does not have: off, so both answer {@code 404 REQ-0404} there. RESTEasy ignores it.
     */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
