package dev.stepup.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the connection tells about a request, directly or, where the operator trusts a proxy,
 * through its headers: whether it came over HTTPS ({@code X-Forwarded-Proto}; cookies are
 * {@code Secure} then) and the client's address ({@code X-Forwarded-For}, its rightmost entry:
 * the one the trusted proxy added; entries to its left are whatever the client sent).
 */
@ApplicationScoped
public class Transport {

    /** An IPv4 or IPv6 address as a proxy writes it, perhaps with a port or in brackets. */
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.\\[\\]]{2,64}");

    @Inject
    @ConfigProperty(name = "stepup.trust.forwarded.proto", defaultValue = "false")
    boolean trustForwardedProto;

    @Inject
    @ConfigProperty(name = "stepup.trust.forwarded.for", defaultValue = "false")
    boolean trustForwardedFor;

    @Inject
    Instance<HttpServletRequest> request;

    public boolean isSecure(HttpServletRequest request) {
        return request.isSecure()
                || (trustForwardedProto && "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto")));
    }

    /**
     * The client's address: the connection's; behind a proxy the operator trusts
     * ({@code stepup.trust.forwarded.for}), the rightmost {@code X-Forwarded-For} entry, if it
     * is an address (else the connection's). Throttling and the audit trail use it.
     */
    public String clientAddress(HttpServletRequest request) {
        if (trustForwardedFor) {
            String forwarded = rightmost(Collections.list(request.getHeaders("X-Forwarded-For")));
            if (forwarded != null) {
                return forwarded;
            }
        }
        return request.getRemoteAddr();
    }

    /** The client's address of the HTTP request under way ({@link #clientAddress(HttpServletRequest)}); null outside one. */
    public String clientAddress() {
        try {
            return request.isResolvable() ? clientAddress(request.get()) : null;
        } catch (ContextNotActiveException | IllegalStateException e) {
            return null; // not within an HTTP request, e.g. the bootstrap at start
        }
    }

    /** The last entry of the last {@code X-Forwarded-For} header, without a port; null if it is no address. */
    static String rightmost(List<String> headers) {
        if (headers.isEmpty()) {
            return null;
        }
        String last = headers.get(headers.size() - 1);
        String entry = last.substring(last.lastIndexOf(',') + 1).strip();
        if (!ADDRESS.matcher(entry).matches()) {
            return null;
        }
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            return close > 1 ? entry.substring(1, close) : null;
        }
        // IPv4 with a port (Azure's proxies add one); an IPv6 address has more than one colon.
        int colon = entry.indexOf(':');
        if (colon > 0 && colon == entry.lastIndexOf(':') && entry.indexOf('.') > 0) {
            return entry.substring(0, colon);
        }
        return entry;
    }

    /** A {@code Set-Cookie} value with the attributes every StepUp cookie carries, for {@code Path=/}. */
    public String cookie(HttpServletRequest request, String name, String value, long maxAgeSeconds) {
        return cookie(request, name, value, maxAgeSeconds, "/");
    }

    /** A {@code Set-Cookie} value with the attributes every StepUp cookie carries. */
    public String cookie(HttpServletRequest request, String name, String value, long maxAgeSeconds, String path) {
        return name + "=" + value
                + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "")
                + "; Path=" + path + "; HttpOnly; SameSite=Strict"
                + (isSecure(request) ? "; Secure" : "");
    }
}
