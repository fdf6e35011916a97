package dev.stepup.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small HTTP client for the black-box tests: JSON in, status, headers and JSON out. */
public final class Api {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final URI base;
    private final Map<String, String> headers;

    private Api(URI base, Map<String, String> headers) {
        this.base = base;
        this.headers = headers;
    }

    public static Api at(java.net.URL base) {
        try {
            return new Api(base.toURI(), Map.of());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static Api at(URI base) {
        return new Api(base, Map.of());
    }

    public Api token(String token) {
        return header("Authorization", "TOKEN " + token);
    }

    public Api header(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Api(base, copy);
    }

    /** The value this client sends as header {@code name}; null if it sends none. */
    public String headerValue(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    public URI base() {
        return base;
    }

    public Reply get(String path) {
        return send("GET", path, null, null);
    }

    public Reply head(String path) {
        return send("HEAD", path, null, null);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Reply post(String path, String json) {
        return send("POST", path, json, "application/json");
    }

    public Reply patch(String path, String json) {
        return send("PATCH", path, json, json == null ? null : "application/json");
    }

    public Reply send(String method, String path, String body, String contentType) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.keySet().stream().noneMatch("Accept"::equalsIgnoreCase)) {
            builder.header("Accept", "application/json");
        }
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        headers.forEach(builder::header);
        return send(builder.build());
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response: its status, headers and body, with the body read as JSON on demand. */
    public record Reply(int status, Map<String, java.util.List<String>> headers, String body) {

        public JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                JsonStructure value = reader.read();
                return value.asJsonObject();
            } catch (RuntimeException e) {
                throw new AssertionError("Not a JSON object (status " + status + "): " + body, e);
            }
        }

        public String string(String name) {
            return json().getString(name);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst().orElse(null);
        }

        public java.util.List<String> headerValues(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .toList();
        }

        public String errorCode() {
            return json().getString("errorCode");
        }

        /** Asserts the contract's error: this status and this {@code errorCode}. */
        public Reply assertError(int expectedStatus, String expectedCode) {
            org.assertj.core.api.Assertions.assertThat(status).as(toString()).isEqualTo(expectedStatus);
            org.assertj.core.api.Assertions.assertThat(errorCode()).as(toString()).isEqualTo(expectedCode);
            return this;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
