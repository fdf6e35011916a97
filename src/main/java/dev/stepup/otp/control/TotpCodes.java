package dev.stepup.otp.control;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.spec.SecretKeySpec;

/**
 * TOTP maths: the code of a time step (java-otp computes the HOTP value), and which of the
 * steps around now a submitted code matches. Comparison is constant-time and every
 * candidate step is always computed, so timing says nothing about near misses.
 */
public final class TotpCodes {

    /** Steps accepted on each side of the current one (RFC 6238 section 5.2). */
    public static final int SKEW = 1;

    private static final Map<TotpParameters, TimeBasedOneTimePasswordGenerator> GENERATORS = new ConcurrentHashMap<>();

    private TotpCodes() {
    }

    /** The code for time step {@code step}, zero-padded to the parameters' digits. */
    public static String codeAt(byte[] secret, TotpParameters parameters, long step) {
        TimeBasedOneTimePasswordGenerator generator = GENERATORS.computeIfAbsent(parameters, p ->
                new TimeBasedOneTimePasswordGenerator(p.timeStep(), p.digits(), p.hashFunction().macAlgorithm()));
        Key key = new SecretKeySpec(secret, parameters.hashFunction().macAlgorithm());
        try {
            // java-otp derives T from the instant; the start of step T gives exactly T.
            Instant start = Instant.ofEpochSecond(Math.multiplyExact(step, (long) parameters.timeStepSeconds()));
            return generator.generateOneTimePasswordString(key, start, Locale.ROOT);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("A TOTP secret is not a valid HMAC key", e);
        }
    }

    /**
     * Matches {@code otp} against the steps {@code current - SKEW .. current + SKEW}.
     * The result names the earliest matching step after {@code lastAcceptedStep}, and whether
     * the code matched an already used step (a replay).
     */
    public static Match match(byte[] secret, TotpParameters parameters, Otp otp, long current, long lastAcceptedStep) {
        byte[] submitted = otp.digits().getBytes(StandardCharsets.US_ASCII);
        long accepted = -1;
        boolean replayed = false;
        for (long step = current - SKEW; step <= current + SKEW; step++) {
            byte[] expected = codeAt(secret, parameters, step).getBytes(StandardCharsets.US_ASCII);
            boolean equal = MessageDigest.isEqual(expected, submitted);
            if (equal && step > lastAcceptedStep && accepted < 0) {
                accepted = step;
            } else if (equal && step <= lastAcceptedStep) {
                replayed = true;
            }
        }
        return new Match(accepted, replayed && accepted < 0);
    }

    /** {@code step} is the step to accept, or -1; {@code replayed} if only used steps matched. */
    public record Match(long step, boolean replayed) {
        public boolean accepted() {
            return step >= 0;
        }
    }
}
