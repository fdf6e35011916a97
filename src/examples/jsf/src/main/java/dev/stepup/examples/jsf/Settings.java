package dev.stepup.examples.jsf;

import dev.stepup.guard.StepUpRequired;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Changes where statements go: one step-up opens StepUp's validation window for this
 * browser, and further changes within it need no code.
 */
@Named
@RequestScoped
public class Settings {

    @Inject
    Ledger ledger;

    private String statementAddress;

    @StepUpRequired
    public String save() {
        FacesContext faces = FacesContext.getCurrentInstance();
        ledger.statementAddress(faces.getExternalContext().getRemoteUser(), statementAddress);
        faces.addMessage(null, new FacesMessage("Statements now go to " + statementAddress));
        return null;
    }

    public String getStatementAddress() {
        return statementAddress;
    }

    public void setStatementAddress(String statementAddress) {
        this.statementAddress = statementAddress;
    }
}
