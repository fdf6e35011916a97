package dev.stepup.it.guarded;

import dev.stepup.stepup.boundary.StepUpRequired;
import jakarta.enterprise.context.ApplicationScoped;

/** A CDI bean method guarded by the interceptor, as a JSF backing bean would be. */
@ApplicationScoped
public class PayoutService {

    @StepUpRequired(alwaysPrompt = true)
    public String changeBankAccount() {
        return "service";
    }
}
