package dev.stepup.platform.boundary;

import dev.stepup.identity.entity.Role;
import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The JSON API lives under {@code /api}. Roles are declared here; the authentication
 * mechanism is {@code dev.stepup.identity.boundary.CallerAuthentication}.
 */
@ApplicationPath("api")
@DeclareRoles({Role.TENANT_ADMIN, Role.IDENTITY_VIEWER, Role.IDENTITY_MANAGER})
public class StepUpApplication extends Application {
}
