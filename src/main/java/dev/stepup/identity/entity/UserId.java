package dev.stepup.identity.entity;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;

/** An identity's id: exactly 20 ASCII letters and digits, drawn from {@link SecureRandom}. */
public record UserId(String value) {

    /** The characters of an id. */
    public static final int LENGTH = 20;

    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9]{" + LENGTH + "}");
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public UserId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("A user id is 20 letters and digits");
        }
    }

    public static Optional<UserId> parse(String value) {
        return value != null && FORM.matcher(value).matches() ? Optional.of(new UserId(value)) : Optional.empty();
    }

    public static UserId random() {
        char[] id = new char[20];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new UserId(new String(id));
    }

    @Override
    public String toString() {
        return value;
    }
}
