package dev.stepup.elevation.boundary;

import dev.stepup.platform.boundary.CredentialCookies;
import dev.stepup.platform.boundary.RequestCookies;
import dev.stepup.platform.control.Transport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The completion-ID cookie: its name ({@code stepup.cookie.name}), how a request's value is
 * read and how a new one is set ({@code HttpOnly; SameSite=Strict; Path=/; Max-Age=} the
 * {@code completedCookieMaxAge} in force, {@code Secure} over HTTPS). The one place that
 * knows them.
 */
@ApplicationScoped
public class CompletionCookie implements CredentialCookies {

    @Inject
    @ConfigProperty(name = "stepup.cookie.name", defaultValue = "STEPUP_COMPLETION")
    String name;

    @Inject
    Transport transport;

    /**
     * The completion ID the request carries, as the servlet container parsed its cookies
     * (more leniently than JAX-RS: Jersey throws for a header such as {@code $Version=x}).
     */
    public String value(HttpServletRequest request) {
        return RequestCookies.value(request, name);
    }

    /** Its name, so that a request carrying it twice is refused. */
    @Override
    public Set<String> names() {
        return Set.of(name);
    }

    /** The {@code Set-Cookie} value that hands out {@code completion}. */
    public String setCookie(HttpServletRequest request, String completion, long maxAgeSeconds) {
        return transport.cookie(request, name, completion, maxAgeSeconds);
    }
}
