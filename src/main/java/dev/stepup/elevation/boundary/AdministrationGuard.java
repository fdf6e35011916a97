package dev.stepup.elevation.boundary;

import dev.stepup.authentication.boundary.CurrentCaller;
import dev.stepup.authentication.control.Caller;
import dev.stepup.elevation.control.StepUpGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Guarded administration: StepUp's own state-changing admin endpoints demand a step-up of
 * callers with a browser session or a Bearer JWT (a stolen admin session or password is not
 * enough), and exempt callers with an API token, whose token is the credential a batch job
 * has. Called first thing by those endpoints, because whether a step-up is needed can depend
 * on the request (minting a token for oneself is always guarded).
 */
@ApplicationScoped
public class AdministrationGuard {

    @Inject
    CurrentCaller caller;

    @Inject
    StepUpGuard guard;

    @Inject
    CompletionCookie cookie;

    @Inject
    HttpServletRequest request;

    /** {@code 403 PE-0028} unless the caller came with an API token or has stepped up as {@code alwaysPrompt} asks. */
    public void require(boolean alwaysPrompt) {
        Caller me = caller.get();
        if (me.scheme() != Caller.Scheme.TOKEN) {
            requireOfEveryone(alwaysPrompt);
        }
    }

    /** {@code 403 PE-0028} unless the caller, whichever its credential, has stepped up as {@code alwaysPrompt} asks. */
    public void requireOfEveryone(boolean alwaysPrompt) {
        Caller me = caller.get();
        StepUpRequiredException.enforce(me, guard.check(me, alwaysPrompt, cookie.value(request)));
    }
}
