package dev.stepup.platform.boundary;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.stream.JsonGenerator;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses an API request whose credentials are ambiguous, with {@code 400 REQ-0001}: two
 * {@code Authorization} headers, or a credential cookie ({@link CredentialCookies}) sent twice.
 * Which of two values the container, a proxy or a library in between would take is not
 * something to leave to chance: one part could check one credential and another part act on
 * the other. Cookies are counted as the container parsed them and in the raw headers, as
 * servers differ in which duplicates they keep.
 */
@WebFilter(urlPatterns = "/api/*")
public class AmbiguousCredentials extends HttpFilter {

    @Inject
    Instance<CredentialCookies> credentialCookies;

    private volatile Set<String> names;

    /** True if {@code headers} (the values of {@code Authorization}) hold more than one. */
    public static boolean isAmbiguous(Enumeration<String> headers) {
        return headers != null && Collections.list(headers).size() > 1;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String refusal = isAmbiguous(request.getHeaders("Authorization")) ? "The request carries the Authorization header twice"
                : twice(request).map(name -> "The request carries the cookie " + name + " twice").orElse(null);
        if (refusal == null) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(400);
        response.setContentType(Responses.JSON);
        response.setHeader("Cache-Control", "no-store");
        try (JsonGenerator json = Responses.JSON_PROVIDER.createGenerator(response.getWriter())) {
            json.writeStartObject()
                    .write("message", refusal)
                    .write("errorCode", "REQ-0001")
                    .writeNull("details")
                    .writeEnd();
        }
    }

    /** The first credential cookie the request carries more than once. */
    private java.util.Optional<String> twice(HttpServletRequest request) {
        Set<String> credentials = names();
        Map<String, Integer> parsed = new HashMap<>();
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                parsed.merge(cookie.getName(), 1, Integer::sum);
            }
        }
        Map<String, Integer> raw = rawCounts(Collections.list(request.getHeaders("Cookie")));
        return credentials.stream()
                .filter(name -> parsed.getOrDefault(name, 0) > 1 || raw.getOrDefault(name, 0) > 1)
                .sorted()
                .findFirst();
    }

    /** How often each cookie name occurs in the {@code Cookie} headers, as {@code name=value} pairs. */
    static Map<String, Integer> rawCounts(List<String> headers) {
        Map<String, Integer> counts = new HashMap<>();
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                String name = (equals < 0 ? pair : pair.substring(0, equals)).strip();
                if (!name.isEmpty()) {
                    counts.merge(name, 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    private Set<String> names() {
        Set<String> known = names;
        if (known == null) {
            Set<String> collected = new HashSet<>();
            credentialCookies.forEach(provider -> collected.addAll(provider.names()));
            known = Set.copyOf(collected);
            names = known;
        }
        return known;
    }
}
