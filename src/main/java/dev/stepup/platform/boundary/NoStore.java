package dev.stepup.platform.boundary;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;

/**
 * {@code Cache-Control: no-store} on every answer of the API: they name users, roles,
 * registrations and sometimes secrets shown once, which no browser or proxy cache should keep.
 * A value that says {@code no-store} already is kept as it is.
 */
@Provider
public class NoStore implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object given = response.getHeaders().getFirst(HttpHeaders.CACHE_CONTROL);
        if (given == null || !given.toString().toLowerCase(Locale.ROOT).contains("no-store")) {
            response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        }
    }
}
