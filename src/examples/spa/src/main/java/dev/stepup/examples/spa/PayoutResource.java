package dev.stepup.examples.spa;

import dev.stepup.guard.StepUpRequired;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Payouts ({@code /api/payout}). {@code POST} runs only with a fresh step-up: the page steps
 * up at StepUp ({@code POST /api/step-up/authenticate/TOTP}), the browser then carries the
 * completion cookie here, and the guard has StepUp consume it (way 1). Without it: {@code 403
 * PE-0028}; StepUp down: {@code 503}.
 */
@RequestScoped
@Path("payout")
@Produces(MediaType.APPLICATION_JSON)
public class PayoutResource {

    private static final Pattern IBAN = Pattern.compile("[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}");

    @Inject
    Payouts payouts;

    @Context
    SecurityContext security;

    @GET
    public JsonObject list() {
        JsonArrayBuilder lines = Json.createArrayBuilder();
        payouts.of(username()).forEach(lines::add);
        return Json.createObjectBuilder().add("payouts", lines).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @StepUpRequired(alwaysPrompt = true)
    public JsonObject pay(JsonObject body) {
        String amount = text(body, "amount");
        String iban = text(body, "iban");
        if (!IBAN.matcher(iban).matches()) {
            throw Errors.of(400, "REQ-0001", "iban is not an IBAN");
        }
        String line;
        try {
            BigDecimal value = new BigDecimal(amount);
            if (value.signum() <= 0) {
                throw Errors.of(400, "REQ-0001", "amount must be more than 0");
            }
            line = value.toPlainString() + " EUR to " + iban;
        } catch (NumberFormatException e) {
            throw Errors.of(400, "REQ-0001", "amount is not a number");
        }
        payouts.add(username(), line);
        return Json.createObjectBuilder().add("paid", line).build();
    }

    private String username() {
        if (security.getUserPrincipal() == null) {
            throw Errors.of(401, "AU-0000", "Not signed in");
        }
        return security.getUserPrincipal().getName();
    }

    private static String text(JsonObject body, String name) {
        if (body == null || !(body.get(name) instanceof JsonString value)) {
            throw Errors.of(400, "REQ-0001", name + " is required");
        }
        return value.getString().trim();
    }
}
