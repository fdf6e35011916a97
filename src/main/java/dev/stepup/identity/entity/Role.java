package dev.stepup.identity.entity;

import java.util.Set;

/** The admin roles a caller can hold. Names as the contract spells them. */
public final class Role {

    public static final String TENANT_ADMIN = "TenantAdmin";
    public static final String IDENTITY_VIEWER = "IdentityViewer";
    public static final String IDENTITY_MANAGER = "IdentityManager";

    /** Any authenticated caller, as in Jakarta Security. */
    public static final String ANY_AUTHENTICATED = "**";

    public static final Set<String> ALL = Set.of(TENANT_ADMIN, IDENTITY_VIEWER, IDENTITY_MANAGER);

    private Role() {
    }

    /** The roles a holder of {@code granted} effectively has: a manager is also a viewer. */
    public static Set<String> effective(Set<String> granted) {
        if (granted.contains(IDENTITY_MANAGER) && !granted.contains(IDENTITY_VIEWER)) {
            var roles = new java.util.HashSet<>(granted);
            roles.add(IDENTITY_VIEWER);
            return Set.copyOf(roles);
        }
        return Set.copyOf(granted);
    }
}
