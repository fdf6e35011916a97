package dev.stepup.authentication.control;

import dev.stepup.authentication.entity.SignInThrottle;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.control.LocalUser;
import dev.stepup.identity.control.PasswordHashes;
import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.ThrottlePolicy;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Password sign-in of local users, throttled per username as typed like codes are per user.
 * A username that belongs to no local user with a password is checked against a hash that
 * matches nothing, counted, throttled and audited alike, with the same statements, so the
 * answers tell nothing about which usernames exist.
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
    BrowserSessions sessions;

    /** This bean through its proxy, so that {@link #attempt} runs in a transaction. */
    @Inject
    SignIns self;

    @Inject
    Event<SessionChanged> changes;

    /**
     * Checks the password and, if right, opens a session; a success also ends the session
     * {@code replacing} names (the browser's earlier cookie, or null), a failure leaves it.
     *
     * <p>Not one transaction: the name's throttle row is made first, in a transaction of its
     * own, so that no sign-in holds two connections; {@link #attempt} then locks it. Never
     * within a caller's transaction, for the same reason.
     */
    @Transactional(Transactional.TxType.NEVER)
    public SignIn signIn(String username, char[] password, String replacing) {
        return throttled(username, password, identity -> {
            String cookie = sessions.open(identity.id(), replacing);
            changes.fire(new SessionChanged(SessionChanged.Kind.SIGNED_IN, identity.id(), identity.id()));
            return new SignIn.SignedIn(Caller.bySession(identity, Secrets.sha256(cookie), clock.instant()), cookie);
        });
    }

    /**
     * A signed-in browser's user types the password again ({@code POST /api/session/confirm}):
     * checked and counted like a sign-in with the user's name, and on success the session's
     * moment of confirmation is now.
     */
    @Transactional(Transactional.TxType.NEVER)
    public SignIn confirm(Caller caller, char[] password) {
        return throttled(caller.name(), password, identity -> {
            sessions.confirmed(caller.credential().key(), clock.instant());
            changes.fire(new SessionChanged(SessionChanged.Kind.PASSWORD_CONFIRMED, identity.id(), identity.id()));
            return new SignIn.Confirmed();
        });
    }

    /** Rounds of making the name's throttle row and an attempt under its lock. */
    private SignIn throttled(String username, char[] password, Function<Identity, SignIn> success) {
        for (int round = 0; round < SignInThrottles.ROUNDS; round++) {
            throttles.ensure(username);
            Optional<SignIn> outcome = self.attempt(username, password, success);
            if (outcome.isPresent()) {
                return outcome.get();
            }
            // Housekeeping removed the row, or it is not committed yet.
            if (!SignInThrottles.pause(round)) {
                break;
            }
        }
        return new SignIn.Throttled(1, true);
    }

    /**
     * One attempt under the lock of the name's throttle row, so concurrent guesses are counted
     * one after another; from the throttle's threshold on, an attempt inside the wait is
     * refused unchecked. A right password of an active user leads to {@code success}, in the
     * same transaction. Empty if the row is not there (to be made again).
     */
    @Transactional
    public Optional<SignIn> attempt(String username, char[] password, Function<Identity, SignIn> success) {
        Optional<SignInThrottle> locked = throttles.lock(username);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        SignInThrottle attempts = locked.get();
        Instant now = clock.instant();
        Optional<LocalUser> user = identities.localUser(username);
        UserId target = user.map(LocalUser::id).orElse(null);
        Duration wait = throttle.remaining(attempts.failures(), attempts.lastFailureAt(), now);
        if (!wait.isZero()) {
            changes.fire(new SessionChanged(SessionChanged.Kind.SIGN_IN_THROTTLED, null, target));
            return Optional.of(new SignIn.Throttled(ThrottlePolicy.retryAfterSeconds(wait), false));
        }
        // The password is checked first, so an inactive user takes as long to refuse.
        boolean valid = passwords.verify(user.map(LocalUser::passwordHash).orElse(null), password)
                && user.map(LocalUser::active).orElse(false);
        Optional<Identity> identity = valid ? identities.lock(target).filter(Identity::isActive) : Optional.empty();
        if (identity.isEmpty()) {
            // Wrong, or deleted or deactivated a moment ago. Counted after the check, so the
            // wait counts from its answer.
            attempts.failed(clock.instant());
            changes.fire(new SessionChanged(SessionChanged.Kind.SIGN_IN_FAILED, null, target));
            return Optional.of(new SignIn.Refused());
        }
        throttles.clear(attempts);
        identities.upgradeHash(identity.get(), password);
        return Optional.of(success.apply(identity.get()));
    }
}
