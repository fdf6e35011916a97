package dev.stepup.elevation.boundary;

import dev.stepup.authentication.control.Caller;
import dev.stepup.elevation.control.StepUpGuard;
import dev.stepup.platform.boundary.ApiException;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;

/**
 * Binds a step-up check to every JAX-RS method that carries {@link StepUpRequired} (on the
 * method or its class). It runs after the role check and before the body is read, and
 * marks the request as checked so that the CDI interceptor on the same method does not
 * check (and consume a completion) a second time.
 */
@Provider
public class StepUpRequiredFeature implements DynamicFeature {

    /**
     * Request attribute: the step-up of this request has been checked, and in which mode
     * ({@code Boolean.TRUE}: a completion was consumed; {@code FALSE}: the window held).
     */
    public static final String CHECKED = "dev.stepup.elevation.checked";

    /** True if what this request has passed already covers {@code alwaysPrompt}. */
    static boolean satisfied(Object checked, boolean alwaysPrompt) {
        return checked instanceof Boolean prompted && (prompted || !alwaysPrompt);
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        StepUpRequired required = resource.getResourceMethod().getAnnotation(StepUpRequired.class);
        if (required == null) {
            required = resource.getResourceClass().getAnnotation(StepUpRequired.class);
        }
        if (required != null) {
            context.register(new Check(required.alwaysPrompt()), Priorities.AUTHORIZATION + 100);
        }
    }

    static final class Check implements ContainerRequestFilter {

        private final boolean alwaysPrompt;

        Check(boolean alwaysPrompt) {
            this.alwaysPrompt = alwaysPrompt;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            Caller caller = (Caller) request.getProperty(Caller.ATTRIBUTE);
            if (caller == null) {
                throw ApiException.unauthenticated();
            }
            CDI<Object> cdi = CDI.current();
            String completion = cdi.select(CompletionCookie.class).get().value(cdi.select(HttpServletRequest.class).get());
            StepUpRequiredException.enforce(caller, cdi.select(StepUpGuard.class).get().check(caller, alwaysPrompt, completion));
            request.setProperty(CHECKED, alwaysPrompt);
        }
    }
}
