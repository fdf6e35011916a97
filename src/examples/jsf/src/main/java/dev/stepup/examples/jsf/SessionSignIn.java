package dev.stepup.examples.jsf;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Set;

/**
 * The example's own notion of who is signed in, standing in for your application's: the
 * username {@link SignIn} put into the HTTP session becomes the request's caller principal,
 * which the guard's default mapping ({@code stepup.guard.user.source=principal}) takes as
 * the StepUp username. A protected page without a signed-in user goes to the sign-in page.
 */
@ApplicationScoped
public class SessionSignIn implements HttpAuthenticationMechanism {

    static final String USER = "dev.stepup.examples.jsf.user";

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(USER) instanceof String username) {
            return context.notifyContainerAboutLogin(username, Set.of("customer"));
        }
        if (context.isProtected()) {
            return context.redirect(request.getContextPath() + "/");
        }
        return context.doNothing();
    }
}
