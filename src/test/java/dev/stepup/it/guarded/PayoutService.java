package dev.stepup.it.guarded;

import dev.stepup.elevation.boundary.StepUpRequired;
import dev.stepup.platform.boundary.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** A CDI bean method guarded by the interceptor, as a JSF backing bean would be. */
@ApplicationScoped
public class PayoutService {

    @StepUpRequired(alwaysPrompt = true)
    public String changeBankAccount() {
        return "service";
    }

    /**
     * Its transaction starts before the guard runs, and rolls back when it fails: the
     * completion the guard consumed stays consumed all the same.
     */
    @Transactional
    @StepUpRequired(alwaysPrompt = true)
    public String refusedTransfer() {
        throw new ApiException(409, "PAY-0409", "The bank refused the transfer");
    }
}
