package dev.stepup.examples.spa;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The example's own sign-in ({@code /api/session}): any username with the demo password
 * ({@code example.password}). A real application has its own users; the guard needs only
 * that their names are StepUp usernames.
 */
@RequestScoped
@Path("session")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    @Inject
    @ConfigProperty(name = "example.password", defaultValue = "demo")
    String demoPassword;

    @Context
    HttpServletRequest request;

    @GET
    public JsonObject me() {
        if (request.getUserPrincipal() == null) {
            throw Errors.of(401, "AU-0000", "Not signed in");
        }
        return Json.createObjectBuilder().add("username", request.getUserPrincipal().getName()).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject signIn(JsonObject body) {
        String username = body.getString("username", "").trim();
        String password = body.getString("password", "");
        if (username.isEmpty() || !MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                demoPassword.getBytes(StandardCharsets.UTF_8))) {
            throw Errors.of(401, "AU-0000", "Wrong username or password");
        }
        // A new session for the signed-in user: nothing of an earlier one carries over.
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        request.getSession(true).setAttribute(SessionSignIn.USER, username);
        return Json.createObjectBuilder().add("username", username).build();
    }

    @DELETE
    public void signOut() {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }
}
