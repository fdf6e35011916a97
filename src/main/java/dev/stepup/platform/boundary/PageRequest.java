package dev.stepup.platform.boundary;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code page} (from 0) and {@code size} (1..1000, default 100) query parameters of
 * every listing. Taken as text so that a malformed number is {@code 400 REQ-0001}, not the
 * {@code 404} JAX-RS gives a parameter it cannot convert.
 */
public record PageRequest(int page, int size) {

    public static final int DEFAULT_SIZE = 100;
    public static final int MAX_SIZE = 1000;

    private static final Pattern ASCII_NUMBER = Pattern.compile("-?[0-9]{1,18}");

    public static PageRequest of(String page, String size) {
        int p = wholeNumber("page", page, 0, 0, Integer.MAX_VALUE / MAX_SIZE);
        int s = wholeNumber("size", size, DEFAULT_SIZE, 1, MAX_SIZE);
        return new PageRequest(p, s);
    }

    public int offset() {
        return page * size;
    }

    /**
     * A whole-number query parameter in ASCII digits ({@code Integer.parseInt} alone would
     * also take other scripts' digits), {@code fallback} when absent, else {@code 400 REQ-0001}.
     */
    public static int wholeNumber(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        if (ASCII_NUMBER.matcher(value).matches()) {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return (int) n;
            }
        }
        throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max,
                Map.of("field", name));
    }
}
