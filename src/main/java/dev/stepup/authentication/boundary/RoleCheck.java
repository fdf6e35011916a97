package dev.stepup.authentication.boundary;

import dev.stepup.authentication.control.Caller;
import dev.stepup.identity.entity.Role;
import dev.stepup.platform.boundary.ApiException;
import jakarta.annotation.Priority;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.Set;

/**
 * Enforces {@code @PermitAll}, {@code @RolesAllowed} and {@code @DenyAll} on every JAX-RS
 * method, before the body is read: a method annotation wins over its class's, and a
 * method with neither is denied, so a new method is closed until someone opens it.
 * {@code @RolesAllowed("**")} admits any authenticated caller but a {@code StepUpVerifier},
 * which only methods naming that role admit. Answers the contract's
 * {@code 401 AU-0000} and {@code 403 AU-0403} the same way on every server.
 */
@Provider
public class RoleCheck implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Rule rule = rule(resource.getResourceMethod());
        if (rule == null) {
            rule = rule(resource.getResourceClass());
        }
        boolean checkedWithCode = resource.getResourceMethod().isAnnotationPresent(CheckedWithCode.class);
        if (checkedWithCode && (rule == null || rule.roles() == null
                || !Arrays.equals(rule.roles(), new String[] {Role.ANY_AUTHENTICATED}))) {
            throw new IllegalStateException(resource.getResourceMethod() + " is @CheckedWithCode, which it may be only"
                    + " with @RolesAllowed(\"**\"): it checks a pending token's caller for that rule itself");
        }
        context.register(new Check(rule == null ? Rule.DENY : rule, checkedWithCode), Priorities.AUTHORIZATION);
    }

    private static Rule rule(AnnotatedElement element) {
        if (element.isAnnotationPresent(DenyAll.class)) {
            return Rule.DENY;
        }
        if (element.isAnnotationPresent(PermitAll.class)) {
            return Rule.PERMIT;
        }
        RolesAllowed roles = element.getAnnotation(RolesAllowed.class);
        return roles == null ? null : new Rule(roles.value());
    }

    /** {@code roles == null} permits everyone; an empty array denies everyone. */
    record Rule(String[] roles) {
        static final Rule PERMIT = new Rule(null);
        static final Rule DENY = new Rule(new String[0]);
    }

    /**
     * Answers {@code 401 AU-0000} without a {@code caller}, {@code 403 AU-0403} for one that
     * {@code roles} do not admit: {@code "**"} admits any caller but a {@code StepUpVerifier},
     * whom only {@code roles} naming that role admit.
     */
    static void require(Caller caller, String... roles) {
        if (caller == null) {
            throw ApiException.unauthenticated();
        }
        if (!admits(caller.roles(), roles)) {
            throw ApiException.forbidden();
        }
    }

    /** Whether {@code roles} admit a caller of the effective roles {@code held}, as {@link #require} says. */
    static boolean admits(Set<String> held, String... roles) {
        boolean any = false;
        for (String role : roles) {
            any |= Role.ANY_AUTHENTICATED.equals(role) || held.contains(role);
        }
        // A verifier's token opens the verifier endpoints and nothing else, not even what any
        // authenticated caller may do.
        return any && (!held.contains(Role.STEP_UP_VERIFIER) || Arrays.asList(roles).contains(Role.STEP_UP_VERIFIER));
    }

    @Priority(Priorities.AUTHORIZATION)
    static final class Check implements ContainerRequestFilter {

        private final Rule rule;
        private final boolean checkedWithCode;

        Check(Rule rule, boolean checkedWithCode) {
            this.rule = rule;
            this.checkedWithCode = checkedWithCode;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            // OPTIONS only tells which methods a path has; the runtime answers it by itself.
            if (rule.roles() == null || "OPTIONS".equals(request.getMethod())) {
                return;
            }
            Caller caller = (Caller) request.getProperty(Caller.ATTRIBUTE);
            if (caller == null && request.getProperty(Caller.PENDING_TOKEN_ATTRIBUTE) != null) {
                if (checkedWithCode) {
                    return; // the method checks the token, and this rule, itself
                }
                caller = CDI.current().select(CurrentCaller.class).get().settle().orElse(null);
            }
            require(caller, rule.roles());
        }
    }
}
