package dev.stepup.authentication.boundary;

import jakarta.enterprise.inject.Vetoed;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Never used, and not a bean: it tells WildFly that this WAR uses Jakarta Security. WildFly
 * gives a deployment Jakarta Security's beans ({@code Pbkdf2PasswordHash}, which
 * {@code PasswordHashes} uses) only if a class in it implements
 * {@code HttpAuthenticationMechanism} or an identity store; StepUp authenticates with a Jakarta
 * Authentication module of its own ({@link CallerAuthModule}). Importing the beans' module in
 * a {@code jboss-deployment-structure.xml} instead logs a warning at every deployment (a
 * private module). Payara gives every WAR those beans.
 */
@Vetoed
final class JakartaSecurityInUse implements HttpAuthenticationMechanism {

    private JakartaSecurityInUse() {
    }

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        throw new UnsupportedOperationException("CallerAuthModule authenticates");
    }
}
