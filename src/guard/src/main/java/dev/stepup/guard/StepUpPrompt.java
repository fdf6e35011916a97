package dev.stepup.guard;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.component.UIComponent;
import jakarta.faces.component.UIForm;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The state of {@code <su:prompt/>} in this request, and its Verify action (way 2): the code
 * the user typed goes to StepUp server to server. On success, an always-prompt action gets a
 * single-use pass for {@code stepup.guard.pass.seconds}, a window-mode action the window until
 * StepUp's {@code validUntil}; the prompt's script then clicks the command that opened the
 * prompt again, so the form is posted again as the user filled it in.
 */
@Named("stepUpPrompt")
@RequestScoped
public class StepUpPrompt {

    /** The request parameter of the code field. */
    static final String CODE = "stepup-code";

    private static final Pattern DIGITS = Pattern.compile("[0-9]{6,8}");

    @Inject
    GuardSettings settings;

    @Inject
    SessionGrants grants;

    @Inject
    StepUpClient stepUp;

    private String state = "closed";
    private String message = "";

    /**
     * For the prompt {@code component}: {@code open} (ask for a code), {@code resubmit} (click
     * the command again) or {@code closed}. Only the prompt in the form that was posted opens.
     */
    public String stateIn(UIComponent component) {
        for (UIComponent parent = component; parent != null; parent = parent.getParent()) {
            if (parent instanceof UIForm form) {
                return form.isSubmitted() ? state : "closed";
            }
        }
        return state;
    }

    public String getMessage() {
        return message;
    }

    /** A guarded action needs a code: remember which, and show the prompt. */
    void open(HttpServletRequest request, SessionGrants.Pending pending) {
        grants.await(request.getSession(true), pending);
        state = "open";
        message = "";
    }

    /** The prompt's Verify button; immediate, so the page's own fields are neither checked nor applied. */
    public void verify() {
        FacesContext faces = FacesContext.getCurrentInstance();
        HttpServletRequest request = (HttpServletRequest) faces.getExternalContext().getRequest();
        HttpSession session = request.getSession(false);
        state = "open";
        Optional<String> username = settings.username(request);
        Optional<SessionGrants.Pending> pending = username.flatMap(user -> grants.pending(session, user));
        if (pending.isEmpty()) {
            message = "Nothing waits for a code any more. Close this and try again.";
            return;
        }
        String code = faces.getExternalContext().getRequestParameterMap().getOrDefault(CODE, "").trim();
        if (!DIGITS.matcher(code).matches()) {
            message = "Enter the 6 to 8 digits your authenticator app shows.";
            return;
        }
        try {
            StepUpClient.Verdict verdict = stepUp.verify(username.get(), code);
            if (verdict instanceof StepUpClient.Accepted accepted) {
                grants.grant(session, pending.get(), accepted.validUntil(), Instant.now().plus(settings.passLifetime()));
                state = "resubmit";
                message = "";
            } else if (verdict instanceof StepUpClient.Throttled throttled) {
                message = "Too many wrong codes. Try again in " + throttled.retryAfterSeconds() + " s.";
            } else if (verdict instanceof StepUpClient.Malformed) {
                message = "Enter the 6 to 8 digits your authenticator app shows.";
            } else if (verdict instanceof StepUpClient.NotEnrolled) {
                message = "You have not registered an authenticator app at StepUp yet. Enrol there first.";
            } else if (verdict instanceof StepUpClient.UnknownUser) {
                message = "StepUp does not know the user " + username.get() + ".";
            } else {
                message = "Wrong code. Wait for the next code of your app and try again.";
            }
        } catch (StepUpGuardException e) {
            message = e.getMessage();
        }
    }
}
