package dev.stepup.examples.jsf;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The example's sign-in: any username with the demo password ({@code example.password}). A
 * real application has its own users; what matters to the guard is only that their names are
 * StepUp usernames.
 */
@Named
@RequestScoped
public class SignIn {

    @Inject
    @ConfigProperty(name = "example.password", defaultValue = "demo")
    String demoPassword;

    private String username;
    private String password;

    public String signIn() {
        FacesContext faces = FacesContext.getCurrentInstance();
        String name = username == null ? "" : username.trim();
        if (name.isEmpty() || password == null || !MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                demoPassword.getBytes(StandardCharsets.UTF_8))) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, "Wrong username or password", null));
            return null;
        }
        // A new session for the signed-in user: nothing of an earlier one carries over.
        ExternalContext external = faces.getExternalContext();
        external.invalidateSession();
        external.getSessionMap().put(SessionSignIn.USER, name);
        return "bank?faces-redirect=true";
    }

    public String signOut() {
        FacesContext.getCurrentInstance().getExternalContext().invalidateSession();
        return "index?faces-redirect=true";
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
