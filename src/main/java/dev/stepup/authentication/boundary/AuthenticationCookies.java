package dev.stepup.authentication.boundary;

import dev.stepup.authentication.control.BrowserSessions;
import dev.stepup.authentication.control.SignInDevices;
import dev.stepup.platform.boundary.CredentialCookies;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** The cookies authentication reads credentials from: the session (both names) and the device. */
@ApplicationScoped
public class AuthenticationCookies implements CredentialCookies {

    @Override
    public Set<String> names() {
        return Set.of(BrowserSessions.COOKIE, BrowserSessions.SECURE_COOKIE, SignInDevices.COOKIE);
    }
}
