package dev.stepup.examples.spa;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Set;

/**
 * The back end's own notion of who is signed in, standing in for your application's: the
 * username {@link SessionResource} put into the HTTP session becomes the caller principal,
 * which the guard's default mapping takes as the StepUp username.
 */
@ApplicationScoped
public class SessionSignIn implements HttpAuthenticationMechanism {

    static final String USER = "dev.stepup.examples.spa.user";

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(USER) instanceof String username) {
            return context.notifyContainerAboutLogin(username, Set.of("customer"));
        }
        return context.doNothing();
    }
}
