package dev.stepup.registration.control;

import dev.stepup.identity.entity.UserId;
import dev.stepup.registration.entity.RecoveryCode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The recovery codes of a user's TOTP registration: ten codes of ten symbols of Crockford's
 * base32 (50 bits from a CSPRNG each), shown once and stored only as HMAC-SHA256 hashes under a
 * key derived from the secret key, with that key's id. 50 bits need no slow hash: guessing
 * online meets the throttle, and offline the key, which is not in the database, is missing. A
 * code is compared in constant time with each of the user's and used up by deleting its row,
 * which exactly one request can do, on any instance.
 */
@ApplicationScoped
public class RecoveryCodes {

    public static final int COUNT = 10;
    static final int SYMBOLS = 10;
    static final String PURPOSE = "recovery-code";
    /** Crockford's base32: the digits and the capitals but I, L, O and U. */
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final Pattern CODE = Pattern.compile("[" + ALPHABET + "]{" + SYMBOLS + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SecretCipher keys;

    /**
     * A code as typed, read as Crockford's base32 reads it: case, spaces and dashes do not
     * matter, {@code O} is {@code 0}, {@code I} and {@code L} are {@code 1}. Empty if what is
     * left is not ten such symbols.
     */
    public static Optional<String> normalize(String typed) {
        if (typed == null || typed.length() > 64) {
            return Optional.empty();
        }
        String code = typed.replace(" ", "").replace("-", "").toUpperCase(Locale.ROOT)
                .replace('O', '0').replace('I', '1').replace('L', '1');
        return CODE.matcher(code).matches() ? Optional.of(code) : Optional.empty();
    }

    /** A code as it is shown: {@code 7H4Q-9XKM-2R}. */
    static String shown(String code) {
        return code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
    }

    /** Replaces the user's codes with ten new ones, returned as shown, the only time they are seen. */
    public List<String> replace(UserId user) {
        deleteAll(user);
        SecretCipher.DerivedKey key = keys.derivedKeys(PURPOSE).get(0);
        Instant now = clock.instant();
        List<String> shown = new ArrayList<>();
        while (shown.size() < COUNT) {
            String code = random();
            String display = shown(code);
            if (!shown.contains(display)) {
                em.persist(new RecoveryCode(user.value(), hash(key.key(), code), key.keyId(), now));
                shown.add(display);
            }
        }
        em.flush();
        return shown;
    }

    public long remaining(UserId user) {
        return em.createQuery("select count(c) from RecoveryCode c where c.identityId = :id", Long.class)
                .setParameter("id", user.value())
                .getSingleResult();
    }

    public void deleteAll(UserId user) {
        em.createQuery("delete from RecoveryCode c where c.identityId = :id")
                .setParameter("id", user.value())
                .executeUpdate();
    }

    /** The stored hash of the user's unused code that {@code code} is; every one is compared. */
    Optional<String> matching(UserId user, String code) {
        List<RecoveryCode> stored = em.createQuery("select c from RecoveryCode c where c.identityId = :id", RecoveryCode.class)
                .setParameter("id", user.value())
                .getResultList();
        Map<String, byte[]> keysById = keys.derivedKeys(PURPOSE).stream()
                .collect(Collectors.toMap(SecretCipher.DerivedKey::keyId, SecretCipher.DerivedKey::key));
        Map<String, String> hashes = keysById.keySet().stream()
                .collect(Collectors.toMap(Function.identity(), id -> hash(keysById.get(id), code)));
        String found = null;
        for (RecoveryCode candidate : stored) {
            String hash = hashes.get(candidate.keyId());
            if (hash != null && MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
                    candidate.codeHash().getBytes(StandardCharsets.US_ASCII)) && found == null) {
                found = candidate.codeHash();
            }
        }
        return Optional.ofNullable(found);
    }

    /** Uses the code up; false if another request did a moment ago. */
    boolean use(UserId user, String codeHash) {
        return em.createQuery("delete from RecoveryCode c where c.identityId = :id and c.codeHash = :hash")
                .setParameter("id", user.value())
                .setParameter("hash", codeHash)
                .executeUpdate() == 1;
    }

    private static String random() {
        char[] code = new char[SYMBOLS];
        for (int i = 0; i < SYMBOLS; i++) {
            code[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new String(code);
    }

    private static String hash(byte[] key, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(code.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }
}
