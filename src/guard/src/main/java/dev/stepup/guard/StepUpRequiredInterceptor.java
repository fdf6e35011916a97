package dev.stepup.guard;

import jakarta.annotation.Priority;
import jakarta.faces.context.FacesContext;
import jakarta.faces.event.PhaseId;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks {@link StepUpRequired} before the method runs, for the user the request names
 * ({@code stepup.guard.user.source}).
 * <ol>
 * <li>What this browser holds already passes: for {@code alwaysPrompt}, the single-use pass a
 * JSF prompt earned for this action; otherwise the window in the HTTP session.</li>
 * <li>In a JSF request, the action does not run: the prompt opens in the same view and the
 * method returns {@code null}; {@link StepUpPrompt} verifies the code at StepUp (way 2).</li>
 * <li>Elsewhere (JAX-RS), StepUp consumes the completion cookie the browser carries (way 1); a
 * window-mode action keeps the window it opened in the HTTP session.</li>
 * </ol>
 * Otherwise the action is refused: {@code 403 PE-0028}, or {@code 503} when StepUp cannot be
 * asked. A later guarded method in the same request is not checked again if this check covers it.
 */
@StepUpRequired
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class StepUpRequiredInterceptor {

    /** Request attribute: a check passed in this request ({@code TRUE}: an always-prompt one). */
    static final String CHECKED = "dev.stepup.guard.checked";

    @Inject
    GuardSettings settings;

    @Inject
    SessionGrants grants;

    @Inject
    StepUpClient stepUp;

    @Inject
    StepUpPrompt prompt;

    @Inject
    HttpServletRequest currentRequest;

    @AroundInvoke
    Object check(InvocationContext call) throws Exception {
        boolean alwaysPrompt = alwaysPrompt(call);
        FacesContext faces = FacesContext.getCurrentInstance();
        HttpServletRequest request = faces != null ? (HttpServletRequest) faces.getExternalContext().getRequest() : httpRequest();
        Object checked = request.getAttribute(CHECKED);
        if (Boolean.TRUE.equals(checked) || (Boolean.FALSE.equals(checked) && !alwaysPrompt)) {
            return call.proceed();
        }
        settings.requireUsable();
        String username = settings.username(request).orElseThrow(StepUpGuardException::unauthenticated);
        Method method = call.getMethod();
        String action = method.getDeclaringClass().getName() + "#" + method.getName();
        HttpSession session = request.getSession(false);
        Instant now = Instant.now();
        boolean held = alwaysPrompt ? grants.usePass(session, username, action, now) : grants.windowOpen(session, username, now);
        if (!held) {
            if (faces != null) {
                return openPrompt(faces, method, request, new SessionGrants.Pending(username, action, alwaysPrompt));
            }
            consumeCompletion(request, username, alwaysPrompt);
        }
        request.setAttribute(CHECKED, alwaysPrompt);
        return call.proceed();
    }

    /** Stays on the view, whose {@code <su:prompt/>} now asks for the code. */
    private Object openPrompt(FacesContext faces, Method method, HttpServletRequest request, SessionGrants.Pending pending) {
        Class<?> returns = method.getReturnType();
        PhaseId phase = faces.getCurrentPhaseId();
        boolean action = returns == void.class || returns == String.class || returns == Object.class;
        if (!action || !(PhaseId.INVOKE_APPLICATION.equals(phase) || PhaseId.APPLY_REQUEST_VALUES.equals(phase))) {
            // Not an action method: there is no form to show the prompt in and nothing to re-submit.
            throw StepUpGuardException.required(false);
        }
        prompt.open(request, pending);
        return null;
    }

    /** Way 1: StepUp uses up the completion cookie of the user's step-up; refuses without one. */
    private void consumeCompletion(HttpServletRequest request, String username, boolean alwaysPrompt) {
        String authorization = request.getHeader("Authorization");
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        String completion = cookie(request, settings.cookieName());
        if (completion == null) {
            throw StepUpGuardException.required(bearer);
        }
        Optional<Instant> validUntil = stepUp.consume(username, completion);
        if (validUntil.isEmpty()) {
            throw StepUpGuardException.required(bearer);
        }
        if (!alwaysPrompt) {
            grants.openWindow(request.getSession(true), username, validUntil.get());
        }
    }

    private HttpServletRequest httpRequest() {
        try {
            currentRequest.getMethod(); // fails outside an HTTP request (a timer, a message)
            return currentRequest;
        } catch (RuntimeException e) {
            throw StepUpGuardException.unauthenticated();
        }
    }

    private static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (name.equals(cookie.getName()) && !cookie.getValue().isBlank()) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    /** The annotation on the method, else on its class; the stricter mode if neither is found by reflection. */
    private static boolean alwaysPrompt(InvocationContext call) {
        StepUpRequired required = call.getMethod().getAnnotation(StepUpRequired.class);
        for (Class<?> type = call.getMethod().getDeclaringClass(); required == null && type != null; type = type.getSuperclass()) {
            required = type.getAnnotation(StepUpRequired.class);
        }
        return required == null || required.alwaysPrompt();
    }
}
