package dev.stepup.elevation.boundary;

import dev.stepup.authentication.control.Caller;
import dev.stepup.elevation.control.StepUpGuard;
import dev.stepup.platform.boundary.ApiException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.servlet.http.HttpServletRequest;

/**
 * {@link StepUpRequired} on CDI beans (a JSF backing bean, a service): checks the step-up of
 * the HTTP request in progress before the method runs. Skips only what a check of the same
 * request covered already: a consumed completion covers both modes, the window only itself.
 */
@StepUpRequired
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class StepUpRequiredInterceptor {

    @Inject
    StepUpGuard guard;

    @Inject
    HttpServletRequest request;

    @Inject
    CompletionCookie cookie;

    @AroundInvoke
    Object check(InvocationContext invocation) throws Exception {
        boolean alwaysPrompt = required(invocation).alwaysPrompt();
        // A weaker check earlier in the request (the window) never stands in for a stricter one.
        if (!StepUpRequiredFeature.satisfied(request.getAttribute(StepUpRequiredFeature.CHECKED), alwaysPrompt)) {
            Caller caller = (Caller) request.getAttribute(Caller.ATTRIBUTE);
            if (caller == null) {
                throw ApiException.unauthenticated();
            }
            StepUpRequiredException.enforce(caller, guard.check(caller, alwaysPrompt, cookie.value(request)));
            request.setAttribute(StepUpRequiredFeature.CHECKED, alwaysPrompt);
        }
        return invocation.proceed();
    }

    private static StepUpRequired required(InvocationContext invocation) {
        StepUpRequired onMethod = invocation.getMethod().getAnnotation(StepUpRequired.class);
        if (onMethod != null) {
            return onMethod;
        }
        for (Class<?> type = invocation.getTarget().getClass(); type != null; type = type.getSuperclass()) {
            StepUpRequired onType = type.getAnnotation(StepUpRequired.class);
            if (onType != null) {
                return onType;
            }
        }
        return STRICTEST;
    }

    /** Should the binding not be found by reflection, the stricter mode applies. */
    private static final StepUpRequired STRICTEST = new StepUpRequired() {
        @Override
        public boolean alwaysPrompt() {
            return true;
        }

        @Override
        public Class<? extends java.lang.annotation.Annotation> annotationType() {
            return StepUpRequired.class;
        }
    };
}
