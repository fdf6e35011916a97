package dev.stepup.identity.entity;

import java.util.HashSet;
import java.util.Set;

/** The roles a caller can hold. Names as the contract spells them. */
public final class Role {

    public static final String TENANT_ADMIN = "TenantAdmin";
    public static final String IDENTITY_VIEWER = "IdentityViewer";
    public static final String IDENTITY_MANAGER = "IdentityManager";

    /**
     * A service identity of an application beside StepUp: the verifier endpoints and nothing
     * else. Only service identities hold it; in a Bearer JWT's groups it is ignored.
     */
    public static final String STEP_UP_VERIFIER = "StepUpVerifier";

    /** Any authenticated caller, as in Jakarta Security. */
    public static final String ANY_AUTHENTICATED = "**";

    /** The administrators' roles, which users, service identities and JWT groups may carry. */
    public static final Set<String> ADMIN = Set.of(TENANT_ADMIN, IDENTITY_VIEWER, IDENTITY_MANAGER);

    public static final Set<String> ALL = Set.of(TENANT_ADMIN, IDENTITY_VIEWER, IDENTITY_MANAGER, STEP_UP_VERIFIER);

    private Role() {
    }

    /** The roles a holder of {@code granted} effectively has: a manager is also a viewer. */
    public static Set<String> effective(Set<String> granted) {
        if (granted.contains(IDENTITY_MANAGER) && !granted.contains(IDENTITY_VIEWER)) {
            var roles = new HashSet<>(granted);
            roles.add(IDENTITY_VIEWER);
            return Set.copyOf(roles);
        }
        return Set.copyOf(granted);
    }
}
