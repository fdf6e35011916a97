package dev.stepup.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether a request reached StepUp over HTTPS: directly, or, when configured to trust it,
 * through a proxy that says so in {@code X-Forwarded-Proto}. Cookies are {@code Secure} then.
 */
@ApplicationScoped
public class Transport {

    @Inject
    @ConfigProperty(name = "stepup.trust.forwarded.proto", defaultValue = "false")
    boolean trustForwardedProto;

    public boolean isSecure(HttpServletRequest request) {
        return request.isSecure()
                || (trustForwardedProto && "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto")));
    }

    /** A {@code Set-Cookie} value with the attributes every StepUp cookie carries. */
    public String cookie(HttpServletRequest request, String name, String value, long maxAgeSeconds) {
        return name + "=" + value
                + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "")
                + "; Path=/; HttpOnly; SameSite=Strict"
                + (isSecure(request) ? "; Secure" : "");
    }
}
