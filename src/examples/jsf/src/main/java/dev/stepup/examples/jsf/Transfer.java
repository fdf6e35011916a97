package dev.stepup.examples.jsf;

import dev.stepup.guard.StepUpRequired;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.math.BigDecimal;

/**
 * Sends money: every transfer needs a step-up of its own. Without one the guard opens
 * {@code <su:prompt/>} in the page instead of running {@link #send()}, and runs it once the
 * code is verified, with the amount and IBAN the user typed.
 */
@Named
@RequestScoped
public class Transfer {

    @Inject
    Ledger ledger;

    private BigDecimal amount;
    private String iban;

    @StepUpRequired(alwaysPrompt = true)
    public String send() {
        FacesContext faces = FacesContext.getCurrentInstance();
        String line = amount.toPlainString() + " EUR to " + iban;
        ledger.transfer(faces.getExternalContext().getRemoteUser(), line);
        faces.addMessage(null, new FacesMessage("Transferred " + line));
        amount = null;
        iban = null;
        return null;
    }

    public BigDecimal getAmount() {
        return amount;
    }

    public void setAmount(BigDecimal amount) {
        this.amount = amount;
    }

    public String getIban() {
        return iban;
    }

    public void setIban(String iban) {
        this.iban = iban;
    }
}
