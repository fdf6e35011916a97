package dev.stepup.authentication.control;

import dev.stepup.authentication.entity.SignInDevice;
import dev.stepup.platform.control.HousekeepingDue;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Browsers that signed in successfully with a name before: a long-lived device cookie
 * ({@value #COOKIE}, {@code HttpOnly; SameSite=Strict; Path=/api/session}, a year), stored
 * only as a hash bound to the name's hash. Such a browser skips the name-wide sign-in wait,
 * so a guesser spread over many addresses cannot keep the user out of the browsers it uses;
 * the wait of its own address still applies. One cookie value serves every name the browser
 * signed in with.
 */
@ApplicationScoped
public class SignInDevices {

    /** The device cookie's name. */
    public static final String COOKIE = "STEPUP_DEVICE";

    /** The device cookie's path: the sign-in and the password confirmation. */
    public static final String PATH = "/api/session";

    /** How long the cookie lives, and a row without use. */
    public static final Duration LIFETIME = Duration.ofDays(365);

    /** A last use is written at most this often. */
    static final Duration USE_RESOLUTION = Duration.ofDays(1);

    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /** This bean through its proxy, so that {@link #purgeUnused} gets a transaction. */
    @Inject
    SignInDevices self;

    /**
     * True if {@code device} (the cookie's value, or null) signed in with the name of
     * {@code nameKey} before. One statement for any well-formed value, whoever the name is.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean knows(String device, String nameKey) {
        return isWellFormed(device) && em.find(SignInDevice.class, key(device, nameKey)) != null;
    }

    /**
     * After a successful sign-in with the name of {@code nameKey}: the browser's device cookie
     * value (its own, if well-formed, else a new one) is bound to the name; returns it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String remember(String device, String nameKey) {
        String value = isWellFormed(device) ? device : Secrets.randomToken(32);
        Instant now = clock.instant();
        SignInDevice known = em.find(SignInDevice.class, key(value, nameKey));
        if (known == null) {
            em.persist(new SignInDevice(key(value, nameKey), now));
        } else if (known.lastUsedAt().plus(USE_RESOLUTION).isBefore(now)) {
            known.used(now);
        }
        return value;
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("sign-in devices unused for a year", () -> self.purgeUnused(due.now()));
    }

    /** Removes the bindings unused for {@link #LIFETIME} before {@code now}. */
    @Transactional
    public int purgeUnused(Instant now) {
        return em.createQuery("delete from SignInDevice d where d.lastUsedAt < :before")
                .setParameter("before", now.minus(LIFETIME))
                .executeUpdate();
    }

    private static boolean isWellFormed(String device) {
        return device != null && VALUE.matcher(device).matches();
    }

    private static String key(String device, String nameKey) {
        return Secrets.sha256("device:" + device + "\n" + nameKey);
    }
}
