package dev.stepup.it;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * The tests' own TOTP (RFC 6238 / RFC 4226 section 5.3, written from the RFC with the JDK's
 * HMAC), independent of the server's java-otp, so each checks the other.
 */
public record TestTotp(byte[] secret, String algorithm, int digits, int period) {

    public static TestTotp fromUri(String otpauthUri) {
        java.net.URI uri = java.net.URI.create(otpauthUri);
        java.util.Map<String, String> query = new java.util.HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
        }
        return new TestTotp(new Base32().decode(query.get("secret")), query.get("algorithm"),
                Integer.parseInt(query.get("digits")), Integer.parseInt(query.get("period")));
    }

    public long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), period);
    }

    public long currentStep() {
        return step(Instant.now());
    }

    public String code(long step) {
        try {
            Mac mac = Mac.getInstance("Hmac" + algorithm);
            mac.init(new SecretKeySpec(secret, "RAW"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            int modulus = (int) Math.pow(10, digits);
            return String.format("%0" + digits + "d", binary % modulus);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A code of the right length that matches no step within two of the current one. */
    public String wrongCode() {
        long now = currentStep();
        java.util.Set<String> near = new java.util.HashSet<>();
        for (long s = now - 2; s <= now + 3; s++) {
            near.add(code(s));
        }
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%0" + digits + "d", candidate);
            if (!near.contains(code)) {
                return code;
            }
        }
    }

    public String now() {
        return code(currentStep());
    }
}
