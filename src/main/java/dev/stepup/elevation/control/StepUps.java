package dev.stepup.elevation.control;

import dev.stepup.authentication.control.Caller;
import dev.stepup.configuration.control.Configurations;
import dev.stepup.configuration.control.StepUpConfiguration;
import dev.stepup.identity.entity.UserId;
import dev.stepup.otp.control.Verification;
import dev.stepup.registration.control.CodeBatches;
import dev.stepup.registration.control.CodeVerifier;
import dev.stepup.registration.control.Purpose;
import dev.stepup.registration.entity.StepUpFactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Step-ups: a caller's own (its credential's window opens and a completion ID is made), a
 * verification an application beside StepUp asks for on its user's behalf (no window here: the
 * application keeps it), and the use of a completion by such an application.
 */
@ApplicationScoped
public class StepUps {

    @Inject
    CodeVerifier verifier;

    @Inject
    CompletionIds completionIds;

    @Inject
    Configurations configurations;

    @Inject
    Clock clock;

    /** A completion an application used: whose, with which factor, when and until when. */
    public record Consumed(StepUpFactor factor, Instant verifiedAt, Instant validUntil) {
    }

    /**
     * The caller steps up with a code of its own, which opens its credential's window; one write
     * transaction, on PostgreSQL usually the one of a batch of step-ups ({@code CodeBatches}).
     */
    public StepUpOutcome authenticate(Caller caller, StepUpFactor factor, String code) {
        return outcome(caller, factor, verifier.verify(caller.id(), caller.id(), factor, Purpose.STEP_UP, code,
                caller.credential().key()));
    }

    /**
     * The caller that the API token of {@code tokenHash} names steps up with a TOTP code of
     * its own, if {@code admits} its roles: checked in a batch that reads the token with the
     * code's state ({@code CodeBatches}), whose answer says whom the token named. Empty if no
     * batch checked it: the caller's token is then to be checked on its own, and the code by
     * {@link #authenticateAlone}. A code the batch answered is to be made an outcome by {@link #outcome}.
     */
    public Optional<CodeBatches.Answer> authenticateByToken(String tokenHash, Predicate<Set<String>> admits, String code) {
        return verifier.verifyByToken(tokenHash, admits, code);
    }

    /**
     * As {@link #authenticate}, the code checked alone, in a transaction of its own: for a
     * code that a batch read and left unsettled (a second batch would leave it too), or that
     * no batch ran.
     */
    public StepUpOutcome authenticateAlone(Caller caller, String code) {
        return outcome(caller, StepUpFactor.TOTP, verifier.verifyAlone(caller.id(), caller.id(), Purpose.STEP_UP, code,
                caller.credential().key()));
    }

    /** What the check of a code of the caller's own came to: a right code opens its window and makes a completion ID. */
    public StepUpOutcome outcome(Caller caller, StepUpFactor factor, Verification result) {
        if (!(result instanceof Verification.Accepted)) {
            return new StepUpOutcome.NotAccepted(result);
        }
        StepUpConfiguration current = configurations.current();
        Instant now = clock.instant();
        String completion = completionIds.create(caller.id(), caller.credential(), factor, now,
                now.plus(current.completedCookieMaxAge()));
        return new StepUpOutcome.Succeeded(completion, now, now.plus(current.validationWindow()));
    }

    /** An application's verifier checks a code its user typed into the application's own page. */
    public StepUpOutcome verifyFor(UserId verifierService, UserId user, StepUpFactor factor, String code) {
        Verification result = verifier.verify(verifierService, user, factor, Purpose.STEP_UP, code);
        if (!(result instanceof Verification.Accepted)) {
            return new StepUpOutcome.NotAccepted(result);
        }
        Instant now = clock.instant();
        return new StepUpOutcome.Succeeded(null, now, now.plus(configurations.current().validationWindow()));
    }

    /** An application uses up the completion its user's browser carried; empty if it may not. */
    public Optional<Consumed> consume(UserId user, String completion) {
        return completionIds.consume(user, completion).map(used ->
                new Consumed(used.factor(), used.verifiedAt(), used.verifiedAt().plus(configurations.current().validationWindow())));
    }

    /** The completion-cookie lifetime in force. */
    public long completionMaxAgeSeconds() {
        return configurations.current().completedCookieMaxAgeSeconds();
    }
}
