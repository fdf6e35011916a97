package dev.stepup.registration.control;

import dev.stepup.platform.control.DataDirectory;
import dev.stepup.platform.control.UrlDataSource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Encrypts TOTP secrets at rest with AES-256-GCM. Each ciphertext names the key it was made
 * under (a key id derived from the key) and is bound to its row by the associated data,
 * so it cannot be moved to another user. The current key is {@code STEPUP_SECRET_KEY}
 * (base64, 256 bits); without it the embedded default creates one in the data directory.
 * {@code STEPUP_SECRET_KEY_PREVIOUS} keeps secrets under the old key readable during a
 * rotation; they are re-encrypted under the current key when next used.
 */
@ApplicationScoped
public class SecretCipher {

    static final String KEY_FILE = "secret.key";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String AES_GCM = "AES/GCM/NoPadding";
    /**
     * The provider of AES-GCM, found once: finding it by name walks the server's provider list
     * at every call, about a tenth of a batch of codes' CPU.
     */
    private static final Provider AES_GCM_PROVIDER = aesGcmProvider();
    private static final Logger LOG = Logger.getLogger(SecretCipher.class.getName());

    @Inject
    @ConfigProperty(name = "stepup.secret.key")
    Optional<String> configuredKey;

    @Inject
    @ConfigProperty(name = "stepup.secret.key.previous")
    Optional<String> previousKey;

    @Inject
    DataDirectory dataDirectory;

    @Inject
    @ConfigProperty(name = "stepup.db.url")
    Optional<String> databaseUrl;

    private final Map<String, SecretKey> keys = new HashMap<>();
    private String currentKeyId;

    /** A ciphertext (base64 of IV and sealed bytes) and the id of its key. */
    public record Sealed(String ciphertext, String keyId) {
        @Override
        public String toString() {
            return "Sealed[keyId=" + keyId + "]";
        }
    }

    void loadAtStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Touching the bean runs @PostConstruct: a malformed key stops the deployment.
        currentKeyId();
    }

    @PostConstruct
    void loadKeys() {
        SecretKey current = configuredKey.isPresent()
                ? key(configuredKey.get(), "STEPUP_SECRET_KEY")
                : key(embeddedKey(), dataDirectory.path().resolve(KEY_FILE).toString());
        currentKeyId = keyId(current);
        keys.put(currentKeyId, current);
        previousKey.filter(k -> !k.isBlank()).ifPresent(k -> {
            SecretKey previous = key(k, "STEPUP_SECRET_KEY_PREVIOUS");
            keys.putIfAbsent(keyId(previous), previous);
        });
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    public Sealed seal(byte[] secret, String boundTo) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance(AES_GCM, AES_GCM_PROVIDER);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret);
            byte[] out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
            return new Sealed(Base64.getEncoder().encodeToString(out), currentKeyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public byte[] open(Sealed sealed, String boundTo) {
        SecretKey key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("A secret is encrypted under key id " + sealed.keyId()
                    + ", which is neither STEPUP_SECRET_KEY nor STEPUP_SECRET_KEY_PREVIOUS");
        }
        byte[] in = Base64.getDecoder().decode(sealed.ciphertext());
        try {
            Cipher cipher = Cipher.getInstance(AES_GCM, AES_GCM_PROVIDER);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A stored secret does not decrypt: wrong key or tampered row", e);
        }
    }

    private static Provider aesGcmProvider() {
        try {
            return Cipher.getInstance(AES_GCM).getProvider();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JDK has no AES-GCM", e);
        }
    }

    /** A key derived for one purpose from one of the secret keys, named by that key's id. */
    public record DerivedKey(String keyId, byte[] key) {
        @Override
        public String toString() {
            return "DerivedKey[keyId=" + keyId + "]";
        }
    }

    /**
     * Keys for MACs and keyed hashes, derived from the secret keys for {@code purpose} (HMAC-SHA256
     * of the purpose under each key, so that no two purposes share a key): the current key's
     * first, then the previous key's during a rotation.
     */
    public List<DerivedKey> derivedKeys(String purpose) {
        List<DerivedKey> derived = new ArrayList<>();
        derived.add(derive(currentKeyId, purpose));
        keys.keySet().stream().filter(id -> !id.equals(currentKeyId)).forEach(id -> derived.add(derive(id, purpose)));
        return derived;
    }

    private DerivedKey derive(String keyId, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keys.get(keyId).getEncoded(), "HmacSHA256"));
            return new DerivedKey(keyId, mac.doFinal(("stepup/" + purpose).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }

    public boolean isCurrent(String keyId) {
        return currentKeyId.equals(keyId);
    }

    /** The current key's id or the previous one's. */
    public boolean isKnown(String keyId) {
        return keys.containsKey(keyId);
    }

    private String embeddedKey() {
        if (!UrlDataSource.isEmbedded(databaseUrl.orElse(null))) {
            // Each instance of a scale-out would make a key of its own, and none could read
            // the others' secrets.
            throw new IllegalStateException("STEPUP_SECRET_KEY is not set: it is needed on every instance when the"
                    + " database is not the embedded H2 (generate one with: openssl rand -base64 32)");
        }
        return dataDirectory.read(KEY_FILE).orElseGet(() -> {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            String encoded = Base64.getEncoder().encodeToString(key);
            if (dataDirectory.createSecretFile(KEY_FILE, encoded)) {
                LOG.info(() -> "Created the secret-encryption key " + dataDirectory.path().resolve(KEY_FILE)
                        + "; set STEPUP_SECRET_KEY when several instances share a database");
                return encoded;
            }
            return dataDirectory.read(KEY_FILE).orElseThrow();
        });
    }

    private static SecretKey key(String base64, String name) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(name + " must hold 256 bits (32 bytes, base64)");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    private static String keyId(SecretKey key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("stepup-secret-key-id".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest.digest(key.getEncoded()), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
