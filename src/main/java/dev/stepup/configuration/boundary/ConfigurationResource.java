package dev.stepup.configuration.boundary;

import dev.stepup.configuration.control.StepUpSettings;
import dev.stepup.identity.control.CurrentCaller;
import dev.stepup.identity.entity.Role;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.Responses;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.StringReader;

/** {@code /api/step-up/configuration}: everyone may read it, a TenantAdmin may change it. */
@Path("step-up/configuration")
@DenyAll
@Produces(Responses.JSON)
public class ConfigurationResource {

    @Inject
    StepUpSettings settings;

    @Inject
    CurrentCaller caller;

    @GET
    @RolesAllowed(Role.ANY_AUTHENTICATED)
    public ConfigurationView get() {
        return ConfigurationView.of(settings.current());
    }

    @POST
    @RolesAllowed(Role.TENANT_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public ConfigurationView change(String body) {
        return ConfigurationView.of(settings.change(ConfigurationRequest.parse(object(body)), caller.get().id()));
    }

    private static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("A JSON request body is required");
        }
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonStructure value = reader.read();
            if (value.getValueType() != JsonStructure.ValueType.OBJECT) {
                throw ApiException.badRequest("The request body must be a JSON object");
            }
            return value.asJsonObject();
        } catch (JsonException e) {
            throw ApiException.badRequest("The request body is not valid JSON");
        }
    }
}
