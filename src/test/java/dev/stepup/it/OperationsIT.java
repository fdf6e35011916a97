package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * What operators call over HTTP, without credentials: {@code HEAD /api/health},
 * MicroProfile Health's {@code /health/ready} (which checks the database) and
 * {@code /health/live}, and the OpenAPI document at {@code /openapi}.
 */
@BlackBox
class OperationsIT {

    Api api;

    @Test
    void headApiHealthAnswersWithoutAuthentication() {
        Api.Reply health = api.head("/api/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEmpty();
    }

    @Test
    void readinessChecksTheDatabase() {
        Api.Reply ready = Server.health(api).get("/health/ready");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(ready.string("status")).isEqualTo("UP");
        assertThat(ready.json().getJsonArray("checks").getValuesAs(JsonObject.class))
                .anySatisfy(check -> {
                    assertThat(check.getString("name")).isEqualTo("database");
                    assertThat(check.getString("status")).isEqualTo("UP");
                });
    }

    @Test
    void livenessAnswersUp() {
        Api.Reply live = Server.health(api).get("/health/live");
        assertThat(live.status()).as(live.toString()).isEqualTo(200);
        assertThat(live.string("status")).isEqualTo("UP");
        assertThat(live.json().getJsonArray("checks").getValuesAs(JsonObject.class))
                .anySatisfy(check -> {
                    assertThat(check.getString("name")).isEqualTo("stepup");
                    assertThat(check.getString("status")).isEqualTo("UP");
                });
    }

    @Test
    void theOpenApiDocumentIsServed() {
        Api.Reply document = api.header("Accept", "application/yaml, text/plain, */*").get("/openapi");
        assertThat(document.status()).as(document.toString()).isEqualTo(200);
        // The hand-written META-INF/openapi.yaml: every endpoint with its errors.
        assertThat(document.body()).contains("openapi: 3").contains("/api/step-up/authenticate/{factor}")
                .contains("/api/mfa/admin/registrations/{factor}").contains("MFA-0005");
    }
}
