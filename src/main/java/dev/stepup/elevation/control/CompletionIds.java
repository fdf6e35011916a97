package dev.stepup.elevation.control;

import dev.stepup.authentication.control.Credential;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.HousekeepingDue;
import dev.stepup.registration.control.SecretCipher;
import dev.stepup.registration.entity.StepUpFactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.hibernate.Session;

/**
 * Completion IDs: 128 random bits, the time of the step-up, the expiry, a tag of the
 * credential that earned it and the factor, under an HMAC-SHA256 that also covers the user. Issuing one writes
 * nothing; using one records its random part in {@code completion_use}, whose primary key lets
 * exactly one use through, on any instance. The MAC key is derived from the secret key
 * ({@code STEPUP_SECRET_KEY}); during a rotation completions under the previous key still count.
 */
@ApplicationScoped
public class CompletionIds {

    static final String PURPOSE = "completion-id";
    private static final int RANDOM = 16;
    private static final int TAG = 8;
    private static final int MAC = 16;
    private static final int LENGTH = RANDOM + 8 + 8 + TAG + 1 + MAC;
    /** What losing the race to record a use looks like: a unique key violation, on both databases. */
    private static final String USED = "23505";
    private static final SecureRandom RANDOMNESS = new SecureRandom();

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SecretCipher keys;

    /** This bean through its proxy, so that {@link #record} and {@link #purgeUsed} get their transactions. */
    @Inject
    CompletionIds self;

    /** A completion that was used now: with which factor its step-up happened, and when. */
    public record Used(StepUpFactor factor, Instant verifiedAt) {
    }

    /**
     * A new completion of {@code user}'s step-up with {@code factor} at {@code at}, earned with
     * {@code credential}, valid until {@code expiresAt}.
     */
    public String create(UserId user, Credential credential, StepUpFactor factor, Instant at, Instant expiresAt) {
        byte[] value = new byte[LENGTH];
        byte[] random = new byte[RANDOM];
        RANDOMNESS.nextBytes(random);
        byte[] key = keys.derivedKeys(PURPOSE).get(0).key();
        ByteBuffer.wrap(value).put(random).putLong(at.getEpochSecond()).putLong(expiresAt.getEpochSecond())
                .put(tag(key, credential)).put((byte) factor.ordinal());
        System.arraycopy(mac(key, value, user), 0, value, LENGTH - MAC, MAC);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    /**
     * Uses the completion up if it is {@code user}'s, was earned with {@code credential}, and
     * is unexpired and unused: StepUp's own {@code @StepUpRequired(alwaysPrompt = true)}. The
     * use is committed at once, in a transaction of its own: a guarded method that then fails
     * and rolls back its own work does not give the completion back.
     */
    public boolean consume(UserId user, Credential credential, String completion) {
        return open(user, completion).filter(opened -> Arrays.equals(opened.tag(), tag(opened.key(), credential)))
                .map(this::use).orElse(false);
    }

    /**
     * Uses the completion up if it is {@code user}'s, unexpired and unused, whatever credential
     * earned it: an application beside StepUp consuming the cookie its user's browser carries.
     */
    public Optional<Used> consume(UserId user, String completion) {
        return open(user, completion).filter(this::use).map(opened -> new Used(opened.factor(), opened.verifiedAt()));
    }

    /** A completion whose MAC holds for {@code user} and which has not expired. */
    private Optional<Opened> open(UserId user, String completion) {
        if (completion == null || completion.length() > 2 * LENGTH) {
            return Optional.empty();
        }
        byte[] value;
        try {
            value = Base64.getUrlDecoder().decode(completion);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (value.length != LENGTH) {
            return Optional.empty();
        }
        byte[] given = Arrays.copyOfRange(value, LENGTH - MAC, LENGTH);
        for (SecretCipher.DerivedKey key : keys.derivedKeys(PURPOSE)) {
            if (MessageDigest.isEqual(given, mac(key.key(), value, user))) {
                ByteBuffer fields = ByteBuffer.wrap(value, RANDOM, 16 + TAG + 1);
                Instant verifiedAt = Instant.ofEpochSecond(fields.getLong());
                Instant expiresAt = Instant.ofEpochSecond(fields.getLong());
                int factor = value[RANDOM + 16 + TAG];
                if (!expiresAt.isAfter(clock.instant()) || factor < 0 || factor >= StepUpFactor.values().length) {
                    return Optional.empty();
                }
                return Optional.of(new Opened(HexFormat.of().formatHex(value, 0, RANDOM), verifiedAt, expiresAt,
                        Arrays.copyOfRange(value, RANDOM + 16, RANDOM + 16 + TAG), StepUpFactor.values()[factor], key.key()));
            }
        }
        return Optional.empty();
    }

    private record Opened(String id, Instant verifiedAt, Instant expiresAt, byte[] tag, StepUpFactor factor, byte[] key) {
    }

    /** Records the use; false if it was used before (on any instance). */
    private boolean use(Opened completion) {
        try {
            self.record(completion.id(), completion.expiresAt());
            return true;
        } catch (UsedBefore e) {
            return false;
        }
    }

    /**
     * Inserts the use in a transaction of its own. The insert goes through JDBC, so that a
     * use recorded before is one quiet {@link UsedBefore} (which rolls this transaction back),
     * not an error Hibernate would log.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(String completion, Instant expiresAt) {
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into completion_use (completion, expires_at) values (?, ?)")) {
                insert.setString(1, completion);
                insert.setObject(2, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
                insert.executeUpdate();
            } catch (SQLException e) {
                if (USED.equals(e.getSQLState())) {
                    throw new UsedBefore();
                }
                throw new PersistenceException("Could not record the use of a completion", e);
            }
        });
    }

    /** The completion was used before; the transaction that tried again is rolled back. */
    static final class UsedBefore extends RuntimeException {
        UsedBefore() {
            super("The completion was used before", null, false, false);
        }
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("uses of expired completion IDs", () -> self.purgeUsed(due.now()));
    }

    /** Forgets the uses of completions expired at {@code now}: they are refused for their expiry. */
    @Transactional
    public int purgeUsed(Instant now) {
        return em.createNativeQuery("delete from completion_use where expires_at <= ?1")
                .setParameter(1, now)
                .executeUpdate();
    }

    private static byte[] tag(byte[] key, Credential credential) {
        return Arrays.copyOf(hmac(key, ("credential:" + credential.kind() + ":" + credential.key())
                .getBytes(StandardCharsets.UTF_8)), TAG);
    }

    /** The MAC of everything before it, and of the user it belongs to. */
    private static byte[] mac(byte[] key, byte[] value, UserId user) {
        byte[] input = ByteBuffer.allocate(LENGTH - MAC + 20).put(value, 0, LENGTH - MAC)
                .put(user.value().getBytes(StandardCharsets.US_ASCII)).array();
        return Arrays.copyOf(hmac(key, input), MAC);
    }

    private static byte[] hmac(byte[] key, byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }
}
