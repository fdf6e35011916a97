package dev.stepup.stepup.boundary;

import dev.stepup.identity.control.Caller;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.RequestCookies;
import dev.stepup.stepup.control.StepUpGuard;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.ConfigProvider;

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
    public static final String CHECKED = "dev.stepup.stepup.checked";

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

    static String cookieName() {
        return ConfigProvider.getConfig().getOptionalValue("stepup.cookie.name", String.class).orElse("STEPUP_COMPLETION");
    }

    /**
     * The completion ID the request carries, as the servlet container parsed its cookies
     * (more leniently than JAX-RS: Jersey throws for a header such as {@code $Version=x}).
     */
    static String completion(HttpServletRequest request) {
        return RequestCookies.value(request, cookieName());
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
            CDI.current().select(StepUpGuard.class).get()
                    .check(caller, alwaysPrompt, completion(CDI.current().select(HttpServletRequest.class).get()));
            request.setProperty(CHECKED, alwaysPrompt);
        }
    }
}
