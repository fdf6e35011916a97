package dev.stepup.admin.control;

import dev.stepup.authentication.control.BrowserSessions;
import dev.stepup.authentication.control.Caller;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.entity.Role;
import dev.stepup.identity.entity.UserId;
import dev.stepup.registration.control.Registrations;
import dev.stepup.registration.entity.Factor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * An administrator's reset of another user's registration: the registration and its recovery
 * codes go, and so do the user's browser sessions (whoever held one may have been the reason).
 */
@ApplicationScoped
public class RegistrationResets {

    /** What a reset came to. */
    public enum Outcome {
        /** Reset, or there was nothing to reset. */
        RESET,
        /** One's own registration is deleted with a current code, never reset by oneself. */
        OWN_REGISTRATION,
        /** An IdentityManager may not reset a TenantAdmin's registration. */
        TARGET_IS_TENANT_ADMIN
    }

    @Inject
    Registrations registrations;

    @Inject
    Identities identities;

    @Inject
    BrowserSessions sessions;

    public Outcome reset(Caller actor, UserId target, Factor factor) {
        if (target.equals(actor.id())) {
            return Outcome.OWN_REGISTRATION;
        }
        if (!actor.hasRole(Role.TENANT_ADMIN) && identities.isTenantAdmin(target)) {
            return Outcome.TARGET_IS_TENANT_ADMIN;
        }
        if (registrations.delete(target, factor, actor.id())) {
            sessions.endAllOf(target);
        }
        return Outcome.RESET;
    }
}
