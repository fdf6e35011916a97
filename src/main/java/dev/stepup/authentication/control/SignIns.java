package dev.stepup.authentication.control;

import dev.stepup.authentication.entity.SignInThrottle;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.control.LocalUser;
import dev.stepup.identity.control.PasswordHashes;
import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.ThrottlePolicy;
import dev.stepup.platform.control.Secrets;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Password sign-in of local users, throttled per (username as typed, client address) like
 * codes are per user, and per username across all addresses from a much higher threshold
 * on; a browser that signed in with the name before skips that name-wide wait
 * ({@link SignInDevices}). A username that belongs to no local user with a password is
 * checked against a hash that matches nothing, counted, throttled and audited alike, with the
 * same statements, so the answers tell nothing about which usernames exist. At most
 * {@code stepup.password.concurrent.checks} password checks run at once on an instance;
 * beyond them an attempt is refused at once, unchecked and uncounted ({@link SignIn.Busy}).
 */
@ApplicationScoped
public class SignIns {

    @Inject
    Clock clock;

    @Inject
    Identities identities;

    @Inject
    PasswordHashes passwords;

    @Inject
    ThrottlePolicy throttle;

    @Inject
    SignInThrottles throttles;

    @Inject
    SignInDevices devices;

    @Inject
    BrowserSessions sessions;

    /** This bean through its proxy, so that {@link #attempt} runs in a transaction. */
    @Inject
    SignIns self;

    @Inject
    Event<SessionChanged> changes;

    /** Password checks (PBKDF2, deliberately costly) that may run at once; 0: twice the processors. */
    @Inject
    @ConfigProperty(name = "stepup.password.concurrent.checks", defaultValue = "0")
    int concurrentChecks;

    private Semaphore checks;

    @PostConstruct
    void limitChecks() {
        checks = new Semaphore(concurrentChecks > 0 ? concurrentChecks : 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * Where an attempt comes from: the client's address (the connection's, or a trusted
     * proxy's {@code X-Forwarded-For}) and the browser's device cookie (its value, or null).
     */
    public record Origin(String clientAddress, String device) {

        @Override
        public String toString() {
            return "Origin[" + clientAddress + "]";
        }
    }

    /**
     * Checks the password and, if right, opens a session; a success also ends the session
     * {@code replacing} names (the browser's earlier cookie, or null), a failure leaves it.
     *
     * <p>Not one transaction: the name's throttle rows are made first, in a transaction of
     * their own, so that no sign-in holds two connections; {@link #attempt} then locks them.
     * Never within a caller's transaction, for the same reason.
     */
    @Transactional(Transactional.TxType.NEVER)
    public SignIn signIn(String username, char[] password, String replacing, Origin origin) {
        return throttled(username, password, origin, (identity, device) -> {
            String cookie = sessions.open(identity.id(), replacing);
            changes.fire(new SessionChanged(SessionChanged.Kind.SIGNED_IN, identity.id(), identity.id()));
            return new SignIn.SignedIn(Caller.bySession(identity, Secrets.sha256(cookie), clock.instant()), cookie, device);
        });
    }

    /**
     * A signed-in browser's user types the password again ({@code POST /api/session/confirm}):
     * checked and counted like a sign-in with the user's name, and on success the session's
     * moment of confirmation is now.
     */
    @Transactional(Transactional.TxType.NEVER)
    public SignIn confirm(Caller caller, char[] password, Origin origin) {
        return throttled(caller.name(), password, origin, (identity, device) -> {
            sessions.confirmed(caller.credential().key(), clock.instant());
            changes.fire(new SessionChanged(SessionChanged.Kind.PASSWORD_CONFIRMED, identity.id(), identity.id()));
            return new SignIn.Confirmed();
        });
    }

    /** Rounds of making the name's throttle rows and an attempt under their locks. */
    private SignIn throttled(String username, char[] password, Origin origin, BiFunction<Identity, String, SignIn> success) {
        SignInThrottles.Keys keys = SignInThrottles.Keys.of(username, origin.clientAddress());
        for (int round = 0; round < SignInThrottles.ROUNDS; round++) {
            throttles.ensure(keys);
            Optional<SignIn> outcome = self.attempt(username, keys, password, origin.device(), success);
            if (outcome.isPresent()) {
                return outcome.get();
            }
            // Housekeeping removed a row, or it is not committed yet.
            if (!SignInThrottles.pause(round)) {
                break;
            }
        }
        return new SignIn.Throttled(1, true);
    }

    /**
     * One attempt under the locks of the name's throttle rows, so concurrent guesses are
     * counted one after another; inside the wait of the (name, address) row, or of the
     * name-wide row for a browser it does not know, an attempt is refused unchecked (and
     * counted for the audit line of that wait). A right password of an active user leads to
     * {@code success} (with the browser's device cookie value to set), in the same
     * transaction. Empty if a row is not there (to be made again).
     */
    @Transactional
    public Optional<SignIn> attempt(String username, SignInThrottles.Keys keys, char[] password, String device,
                                    BiFunction<Identity, String, SignIn> success) {
        Optional<SignInThrottles.Locked> locked = throttles.lock(keys);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        SignInThrottle pair = locked.get().pair();
        SignInThrottle name = locked.get().name();
        ThrottlePolicy nameWide = throttles.nameWide();
        Instant now = clock.instant();
        Optional<LocalUser> user = identities.localUser(username);
        UserId target = user.map(LocalUser::id).orElse(null);
        boolean knownDevice = devices.knows(device, keys.name());
        throttles.tellIfOver(pair, throttle, now);
        throttles.tellIfOver(name, nameWide, now);
        Duration pairWait = throttle.remaining(pair.failures(), pair.lastFailureAt(), now);
        Duration nameWait = knownDevice ? Duration.ZERO : nameWide.remaining(name.failures(), name.lastFailureAt(), now);
        if (!pairWait.isZero() || !nameWait.isZero()) {
            // Counted on the row whose wait refuses it, for one audit line when that wait is over.
            SignInThrottle waiting = pairWait.isZero() ? name : pair;
            Duration wait = pairWait.isZero() ? nameWait : pairWait;
            waiting.refused(now, now.plus(wait), target == null ? null : target.value());
            return Optional.of(new SignIn.Throttled(ThrottlePolicy.retryAfterSeconds(wait), false));
        }
        if (!checks.tryAcquire()) {
            return Optional.of(new SignIn.Busy());
        }
        boolean valid;
        try {
            // The password is checked first, so an inactive user takes as long to refuse.
            valid = passwords.verify(user.map(LocalUser::passwordHash).orElse(null), password)
                    && user.map(LocalUser::active).orElse(false);
        } finally {
            checks.release();
        }
        Optional<Identity> identity = valid ? identities.lock(target).filter(Identity::isActive) : Optional.empty();
        if (identity.isEmpty()) {
            // Wrong, or deleted or deactivated a moment ago. Counted after the check, so the
            // wait counts from its answer.
            Instant failedAt = clock.instant();
            pair.failed(failedAt);
            name.failed(failedAt);
            changes.fire(new SessionChanged(SessionChanged.Kind.SIGN_IN_FAILED, null, target));
            return Optional.of(new SignIn.Refused());
        }
        // The name-wide count stays: a success here says nothing of guesses from elsewhere.
        throttles.clear(pair);
        identities.upgradeHash(identity.get(), password);
        return Optional.of(success.apply(identity.get(), devices.remember(device, keys.name())));
    }
}
