package dev.stepup.guard;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a step-up leaves in the application's HTTP session, that is in one browser: the
 * validation window StepUp granted, the single-use pass a JSF prompt earned for one
 * re-submission, and the prompt that waits for a code. Each names the user it belongs to, so
 * a session that changes hands carries nothing over.
 */
@ApplicationScoped
class SessionGrants {

    static final String WINDOW = "dev.stepup.guard.window";
    static final String PASS = "dev.stepup.guard.pass";
    static final String PENDING = "dev.stepup.guard.pending";

    /** {@code alwaysPrompt = false} actions of {@code username} pass until {@code validUntil}. */
    record Window(String username, Instant validUntil) implements Serializable {
    }

    /** A prompt opened for {@code action}; a verified code grants a pass or the window. */
    record Pending(String username, String action, boolean alwaysPrompt) implements Serializable {
    }

    /** One run of {@code action} by {@code username} before {@code expires}. */
    static final class Pass implements Serializable {

        private final String username;
        private final String action;
        private final Instant expires;
        private final AtomicBoolean used = new AtomicBoolean();

        Pass(String username, String action, Instant expires) {
            this.username = username;
            this.action = action;
            this.expires = expires;
        }

        /** True once, for the right user, action and time; two requests at once cannot both use it. */
        boolean use(String user, String wanted, Instant now) {
            return username.equals(user) && action.equals(wanted) && now.isBefore(expires) && used.compareAndSet(false, true);
        }
    }

    boolean windowOpen(HttpSession session, String username, Instant now) {
        return session != null && session.getAttribute(WINDOW) instanceof Window window
                && window.username().equals(username) && now.isBefore(window.validUntil());
    }

    void openWindow(HttpSession session, String username, Instant validUntil) {
        session.setAttribute(WINDOW, new Window(username, validUntil));
    }

    void grantPass(HttpSession session, String username, String action, Instant expires) {
        session.setAttribute(PASS, new Pass(username, action, expires));
    }

    /** Uses the session's pass for {@code action} if there is one; any pass is gone afterwards if it was used. */
    boolean usePass(HttpSession session, String username, String action, Instant now) {
        if (session != null && session.getAttribute(PASS) instanceof Pass pass && pass.use(username, action, now)) {
            session.removeAttribute(PASS);
            return true;
        }
        return false;
    }

    void await(HttpSession session, Pending pending) {
        session.setAttribute(PENDING, pending);
    }

    /** The prompt that waits for {@code username}'s code. */
    Optional<Pending> pending(HttpSession session, String username) {
        return session != null && session.getAttribute(PENDING) instanceof Pending pending && pending.username().equals(username)
                ? Optional.of(pending) : Optional.empty();
    }

    /** The code was accepted: a pass for one re-submission (always-prompt actions) or the window. */
    void grant(HttpSession session, Pending pending, Instant validUntil, Instant passExpires) {
        session.removeAttribute(PENDING);
        if (pending.alwaysPrompt()) {
            grantPass(session, pending.username(), pending.action(), passExpires);
        } else {
            openWindow(session, pending.username(), validUntil);
        }
    }
}
