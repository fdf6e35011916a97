package dev.stepup.platform.boundary;

/**
 * The {@code page} (from 0) and {@code size} (1..1000, default 100) query parameters of
 * every listing. Taken as text so that a malformed number is {@code 400 REQ-0001}, not the
 * {@code 404} JAX-RS gives a parameter it cannot convert.
 */
public record PageRequest(int page, int size) {

    public static final int DEFAULT_SIZE = 100;
    public static final int MAX_SIZE = 1000;

    public static PageRequest of(String page, String size) {
        int p = parse("page", page, 0, 0, Integer.MAX_VALUE / MAX_SIZE);
        int s = parse("size", size, DEFAULT_SIZE, 1, MAX_SIZE);
        return new PageRequest(p, s);
    }

    public int offset() {
        return page * size;
    }

    private static int parse(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max,
                java.util.Map.of("field", name));
    }
}
