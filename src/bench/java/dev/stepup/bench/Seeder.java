package dev.stepup.bench;

import dev.stepup.it.TestTotp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Users for the bench, written straight into StepUp's database: enrolling 100 000 users over
 * HTTP takes longer than the whole bench. Each user is what an enrolment leaves behind (an
 * active identity with the role User, an API token, a confirmed TOTP registration whose secret
 * is sealed as StepUp seals it: AES-256-GCM under {@code STEPUP_SECRET_KEY}, bound to the
 * user and factor), in random id order, so that the users the load picks are spread over the
 * tables and indexes as real users are. Whether the server accepts them is checked by every
 * step-up of the bench: a seeded user whose code the server refused would count as unexpected.
 */
final class Seeder {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final String url;
    private final byte[] key;
    private final String keyId;
    private int made;

    Seeder(String url, byte[] key) {
        this.url = url;
        this.key = key.clone();
        this.keyId = keyId(key);
    }

    /** {@code count} more users, committed in batches of 1 000. */
    List<StepUpBench.Enrolled> seed(int count) throws SQLException {
        List<StepUpBench.Enrolled> users = new ArrayList<>(count);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
            connection.setAutoCommit(false);
            try (PreparedStatement identity = connection.prepareStatement("insert into identity (id, type, username, status,"
                    + " created_at, source) values (?, 'User', ?, 'active', ?, 'local')");
                 PreparedStatement role = connection.prepareStatement("insert into identity_role (identity_id, role) values (?, 'User')");
                 PreparedStatement token = connection.prepareStatement("insert into api_token (identity_id, token_hash,"
                         + " expiration_days, created_at, last_used_at) values (?, ?, 90, ?, ?)");
                 PreparedStatement registration = connection.prepareStatement("insert into registration (identity_id, factor,"
                         + " status, secret_ciphertext, key_id, hash_function, digits, time_step, created_at, confirmed_at,"
                         + " last_step, failures) values (?, 'TOTP', 'REGISTERED', ?, ?, 'SHA1', 6, 30, ?, ?, 0, 0)")) {
                for (int i = 0; i < count; i++) {
                    String id = randomId();
                    String tokenValue = "bench-" + randomId() + randomId();
                    byte[] secret = new byte[20];
                    RANDOM.nextBytes(secret);
                    identity.setString(1, id);
                    identity.setString(2, "bench-" + made++);
                    identity.setObject(3, now);
                    identity.addBatch();
                    role.setString(1, id);
                    role.addBatch();
                    token.setString(1, id);
                    token.setString(2, sha256(tokenValue));
                    token.setObject(3, now);
                    token.setObject(4, now);
                    token.addBatch();
                    registration.setString(1, id);
                    registration.setString(2, seal(secret, id + ":TOTP"));
                    registration.setString(3, keyId);
                    registration.setObject(4, now);
                    registration.setObject(5, now);
                    registration.addBatch();
                    users.add(new StepUpBench.Enrolled(tokenValue, new TestTotp(secret, "SHA1", 6, 30), 0));
                    if ((i + 1) % 1000 == 0 || i + 1 == count) {
                        identity.executeBatch();
                        role.executeBatch();
                        token.executeBatch();
                        registration.executeBatch();
                        connection.commit();
                    }
                }
            }
            connection.setAutoCommit(true);
            try (Statement analyze = connection.createStatement()) {
                analyze.execute("analyze");
            }
        }
        return users;
    }

    private static String randomId() {
        StringBuilder id = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            id.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return id.toString();
    }

    /** As StepUp's SecretCipher: base64 of a 12-byte IV and the AES-GCM ciphertext with its tag. */
    private String seal(byte[] secret, String boundTo) {
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret);
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As StepUp's SecretCipher: the first 8 bytes of SHA-256 over a label and the key, in hex. */
    private static String keyId(byte[] key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("stepup-secret-key-id".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest.digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
