package dev.stepup.platform.boundary;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/** Cookies as the servlet container parsed them (more leniently than JAX-RS does). */
public final class RequestCookies {

    private RequestCookies() {
    }

    /** The value of the request's cookie {@code name}; null without one. */
    public static String value(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (name.equals(cookie.getName())) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }
}
