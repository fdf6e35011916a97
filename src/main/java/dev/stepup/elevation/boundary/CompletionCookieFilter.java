package dev.stepup.elevation.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Issues the completion-ID cookie on a successful step-up. The resource leaves the new
 * completion as a request attribute; this filter turns it into {@code Set-Cookie} (as
 * {@link CompletionCookie} writes it) before the response is committed.
 */
@WebFilter(urlPatterns = "/api/step-up/authenticate/*")
public class CompletionCookieFilter extends HttpFilter {

    /** The request attribute a successful step-up leaves for this filter. */
    public static final String ATTRIBUTE = "dev.stepup.completion";

    /** A completion to hand out: the cookie value and its lifetime. */
    public record Issued(String value, long maxAgeSeconds) {
        @Override
        public String toString() {
            return "Issued[maxAge=" + maxAgeSeconds + "]";
        }
    }

    @Inject
    CompletionCookie cookie;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Issuing issuing = new Issuing(request, response);
        chain.doFilter(request, issuing);
        issuing.issue();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        doFilter((HttpServletRequest) request, (HttpServletResponse) response, chain);
    }

    private final class Issuing extends HttpServletResponseWrapper {

        private final HttpServletRequest request;
        private boolean issued;

        Issuing(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            this.request = request;
        }

        void issue() {
            if (issued) {
                return;
            }
            issued = true;
            if (request.getAttribute(ATTRIBUTE) instanceof Issued completion && !isCommitted()) {
                addHeader("Set-Cookie", cookie.setCookie(request, completion.value(), completion.maxAgeSeconds()));
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            issue();
            return super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            issue();
            return super.getWriter();
        }

        @Override
        public void flushBuffer() throws IOException {
            issue();
            super.flushBuffer();
        }
    }
}
