package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input of every kind, as a table: each row is a request and the status and error code
 * the contract gives it. Every answer must be the contract's JSON error, never HTML, never a
 * stack trace. All rows run; the failing ones are listed together.
 */
@BlackBox
class ErrorsIT {

    static final String JSON = "application/json";
    static final String UNKNOWN_ID = "Unknown0000000000000";
    static final int KIB = 1024;
    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    Api api;
    Users users;
    Caller anonymous;
    Caller admin;

    @BeforeEach
    void setUp() {
        anonymous = new Caller("anonymous", null);
        admin = new Caller("admin", "TOKEN " + TestDatabase.ADMIN_TOKEN);
    }

    @Test
    void malformedOrWronglyShapedBodiesAre400() {
        String target = users.create().userId();
        String tokens = "/api/users/" + target + "/tokens";
        List<Case> cases = List.of(
                bad("malformed JSON", admin.post("/api/users", "{type: User, username: 'x'}")),
                bad("truncated JSON", admin.post("/api/users", "{\"type\":\"User\",\"username\":\"trunc")),
                bad("JSON that ends after the first brace", admin.post("/api/users", "{")),
                bad("two JSON objects", admin.post("/api/users", user("twice") + user("twice2"))),
                bad("empty body", admin.post("/api/users", "")),
                bad("JSON array instead of object", admin.post("/api/users", "[" + user("in-array") + "]")),
                bad("JSON string instead of object", admin.post("/api/users", "\"User\"")),
                bad("JSON number instead of object", admin.post("/api/users", "42")),
                bad("JSON true instead of object", admin.post("/api/users", "true")),
                bad("JSON null instead of object", admin.post("/api/users", "null")),
                bad("type as number", admin.post("/api/users", "{\"type\":1,\"username\":\"type-number\"}")),
                bad("type as object", admin.post("/api/users", "{\"type\":{\"name\":\"User\"},\"username\":\"type-object\"}")),
                bad("username as object", admin.post("/api/users", "{\"type\":\"User\",\"username\":{\"first\":\"a\"}}")),
                bad("username as number", admin.post("/api/users", "{\"type\":\"User\",\"username\":5}")),
                bad("firstName as boolean", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"first-bool-" + UUID.randomUUID() + "\",\"firstName\":true}")),
                bad("step-up code as number", admin.post("/api/step-up/authenticate/TOTP", "{\"otp\":123456}")),
                bad("enrolment action as number", admin.post("/api/mfa/register/TOTP", "{\"action\":1}")),
                bad("sign-in username as number", anonymous.post("/api/session", "{\"username\":5,\"password\":\"x\"}")),
                bad("adminRoles as string", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"roles-string\",\"adminRoles\":\"TenantAdmin\"}")),
                bad("adminRoles as object", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"roles-object\",\"adminRoles\":{\"name\":\"TenantAdmin\"}}")),
                bad("adminRoles entries are strings", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"roles-strings\",\"adminRoles\":[\"TenantAdmin\"]}")),
                bad("adminRoles entries are numbers", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"roles-numbers\",\"adminRoles\":[1]}")),
                bad("adminRoles entry null", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"roles-null\",\"adminRoles\":[null]}")),
                bad("adminRoles entry without name", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"roles-noname\",\"adminRoles\":[{}]}")),
                bad("unknown role name", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"roles-unknown\",\"adminRoles\":[{\"name\":\"Root\"}]}")),
                bad("role name in the wrong case", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"roles-case\",\"adminRoles\":[{\"name\":\"tenantadmin\"}]}")),
                bad("missing type", admin.post("/api/users", "{\"username\":\"no-type\",\"status\":\"active\"}")),
                bad("unknown type value", admin.post("/api/users", "{\"type\":\"Robot\",\"username\":\"robot\"}")),
                bad("type in the wrong case", admin.post("/api/users", "{\"type\":\"user\",\"username\":\"lower-type\"}")),
                bad("User without username", admin.post("/api/users", "{\"type\":\"User\",\"status\":\"active\"}")),
                bad("User with blank username", admin.post("/api/users", "{\"type\":\"User\",\"username\":\"   \"}")),
                bad("User with empty username", admin.post("/api/users", "{\"type\":\"User\",\"username\":\"\"}")),
                bad("ServiceIdentity without name", admin.post("/api/users", "{\"type\":\"ServiceIdentity\",\"status\":\"active\"}")),
                bad("ServiceIdentity with only a username", admin.post("/api/users",
                        "{\"type\":\"ServiceIdentity\",\"username\":\"svc-with-username\"}")),
                bad("bad status value", admin.post("/api/users", "{\"type\":\"User\",\"username\":\"bad-status\",\"status\":\"paused\"}")),
                bad("status as number", admin.post("/api/users", "{\"type\":\"User\",\"username\":\"num-status\",\"status\":1}")),
                bad("bad email", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"bad-email\",\"email\":\"not-an-email\"}")),
                bad("email with two @", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"two-at\",\"email\":\"a@b@example.com\"}")),
                bad("username of 256 characters", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"" + "u".repeat(256) + "\"}")),
                bad("name of 256 characters", admin.post("/api/users",
                        "{\"type\":\"ServiceIdentity\",\"name\":\"" + "n".repeat(256) + "\"}")),
                bad("username with a newline", admin.post("/api/users", "{\"type\":\"User\",\"username\":\"line\\nbreak\"}")),
                bad("username with a NUL character", admin.post("/api/users", "{\"type\":\"User\",\"username\":\"nul\\u0000char\"}")),
                bad("username with BEL", admin.post("/api/users", "{\"type\":\"User\",\"username\":\"bell\\u0007\"}")),
                bad("username with DEL", admin.post("/api/users", "{\"type\":\"User\",\"username\":\"del\\u007f\"}")),
                bad("name with a tab", admin.post("/api/users", "{\"type\":\"ServiceIdentity\",\"name\":\"tab\\tbed\"}")),
                bad("tokenExpirationDays as non-numeric string", admin.post(tokens, "{\"tokenExpirationDays\":\"ninety\"}")),
                bad("tokenExpirationDays as float", admin.post(tokens, "{\"tokenExpirationDays\":1.5}")),
                bad("tokenExpirationDays as boolean", admin.post(tokens, "{\"tokenExpirationDays\":true}")),
                bad("tokenExpirationDays as array", admin.post(tokens, "{\"tokenExpirationDays\":[30]}")),
                bad("tokenExpirationDays 0", admin.post(tokens, "{\"tokenExpirationDays\":0}")),
                bad("tokenExpirationDays -1", admin.post(tokens, "{\"tokenExpirationDays\":-1}")),
                bad("tokenExpirationDays 91", admin.post(tokens, "{\"tokenExpirationDays\":91}")),
                bad("tokenExpirationDays 1e3", admin.post(tokens, "{\"tokenExpirationDays\":1e3}")),
                bad("tokenExpirationDays beyond int", admin.post(tokens, "{\"tokenExpirationDays\":2147483648}")),
                bad("token body malformed", admin.post(tokens, "{\"tokenExpirationDays\":")),
                bad("token body an array", admin.post(tokens, "[]")),
                bad("token body a string", admin.post(tokens, "\"30\"")),
                // Numbers and nesting the JSON parser cannot read, in any body.
                bad("number with an exponent beyond int", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"exponent\",\"pad\":1e9999999999}")),
                bad("number of 1 200 digits", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"digits\",\"pad\":" + "9".repeat(1200) + "}")),
                bad("nesting 2 000 deep", admin.post("/api/users", "{\"pad\":" + "[".repeat(2000) + "]".repeat(2000) + "}")),
                bad("enrolment body with an exponent beyond int", admin.post("/api/mfa/register/TOTP",
                        "{\"action\":\"GENERATE_SECRET\",\"pad\":1e9999999999}")),
                bad("step-up body with an exponent beyond int", admin.post("/api/step-up/authenticate/TOTP",
                        "{\"otp\":1e9999999999}")),
                bad("configuration nested 2 000 deep", admin.post("/api/step-up/configuration",
                        "{\"validationWindow\":" + "[".repeat(2000) + "]".repeat(2000) + "}")),
                bad("token body with 1 200 digits", admin.post(tokens, "{\"tokenExpirationDays\":" + "9".repeat(1200) + "}")));
        run(cases);
    }

    @Test
    void oversizedAndNonJsonBodiesAreRefused() {
        String target = users.create().userId();
        String padded = "{\"type\":\"User\",\"username\":\"big-" + UUID.randomUUID() + "\",\"firstName\":\""
                + "x".repeat(65 * KIB) + "\"}";
        String chunkedPadded = "{\"type\":\"User\",\"username\":\"chunked-" + UUID.randomUUID() + "\",\"firstName\":\""
                + "y".repeat(80 * KIB) + "\"}";
        List<Case> cases = List.of(
                new Case("body over 64 KiB with Content-Length", admin.post("/api/users", padded).http11(), 413, "REQ-0413"),
                new Case("chunked body over 64 KiB", admin.chunked("/api/users", chunkedPadded), 413, "REQ-0413"),
                new Case("token body over 64 KiB", admin.post("/api/users/" + target + "/tokens",
                        "{\"tokenExpirationDays\":30,\"pad\":\"" + "z".repeat(70 * KIB) + "\"}").http11(), 413, "REQ-0413"),
                new Case("text/plain body", admin.send("POST", "/api/users", "text/plain", user("plain-text")), 415, "REQ-0415"),
                new Case("application/xml body", admin.send("POST", "/api/users", "application/xml",
                        "<user><type>User</type><username>xml</username></user>"), 415, "REQ-0415"),
                new Case("form-encoded body", admin.send("POST", "/api/users", "application/x-www-form-urlencoded",
                        "type=User&username=form"), 415, "REQ-0415"),
                new Case("text/plain token body", admin.send("POST", "/api/users/" + target + "/tokens", "text/plain",
                        "{\"tokenExpirationDays\":30}"), 415, "REQ-0415"));
        run(cases);
    }

    @Test
    void unknownPathsMethodsIdsAndPagingAreRefused() {
        String existing = users.create().userId();
        List<Case> cases = List.of(
                new Case("unknown path under /api", admin.get("/api/nope"), 404, "REQ-0404"),
                new Case("the bare /api/ root", admin.get("/api/"), 404, "REQ-0404"),
                new Case("Jersey's WADL, off on every server", admin.get("/api/application.wadl"), 404, "REQ-0404"),
                new Case("unknown sub-path of a user", admin.get("/api/users/" + existing + "/nope"), 404, "REQ-0404"),
                new Case("POST to an unknown path", admin.post("/api/nope", "{}"), 404, "REQ-0404"),
                new Case("unknown path asking for HTML", admin.get("/api/nope").accept("text/html"), 404, "REQ-0404"),
                new Case("malformed id, browser Accept header", admin.get("/api/users/not-an-id").accept(BROWSER_ACCEPT), 400, "U-0002"),
                new Case("PUT /api/users", admin.send("PUT", "/api/users", JSON, user("put")), 405, "REQ-0405"),
                new Case("DELETE /api/users", admin.delete("/api/users"), 405, "REQ-0405"),
                new Case("PATCH /api/users/{id}", admin.send("PATCH", "/api/users/" + existing, JSON, "{}"), 405, "REQ-0405"),
                new Case("GET /api/users/{id}/tokens", admin.get("/api/users/" + existing + "/tokens"), 405, "REQ-0405"),
                new Case("DELETE /api/users/{id}/tokens", admin.delete("/api/users/" + existing + "/tokens"), 405, "REQ-0405"),
                new Case("POST /api/health", admin.post("/api/health", "{}"), 405, "REQ-0405"),
                new Case("DELETE /api/health", anonymous.delete("/api/health"), 405, "REQ-0405"),
                new Case("user id too short", admin.get("/api/users/abc"), 400, "U-0002"),
                new Case("user id of 21 characters", admin.get("/api/users/" + "A".repeat(21)), 400, "U-0002"),
                new Case("user id of 19 characters", admin.get("/api/users/" + "A".repeat(19)), 400, "U-0002"),
                new Case("user id with '-'", admin.get("/api/users/abcdefghij-klmnopqrs"), 400, "U-0002"),
                new Case("user id with '_'", admin.get("/api/users/abcdefghij_klmnopqrs"), 400, "U-0002"),
                new Case("user id with an encoded space", admin.get("/api/users/abcdefghij%20klmnopqrs"), 400, "U-0002"),
                new Case("user id of non-ASCII letters", admin.get("/api/users/" + "%C3%84".repeat(20)), 400, "U-0002"),
                new Case("DELETE malformed user id", admin.delete("/api/users/not-an-id"), 400, "U-0002"),
                new Case("token for a malformed user id", admin.post("/api/users/not-an-id/tokens", "{}"), 400, "U-0002"),
                new Case("unknown well-formed user id", admin.get("/api/users/" + UNKNOWN_ID), 404, "U-0001"),
                new Case("DELETE unknown user id", admin.delete("/api/users/" + UNKNOWN_ID), 404, "U-0001"),
                new Case("token for an unknown user id", admin.post("/api/users/" + UNKNOWN_ID + "/tokens", "{}"), 404, "U-0001"),
                new Case("page=-1", admin.get("/api/users?page=-1"), 400, "REQ-0001"),
                new Case("page=1.5", admin.get("/api/users?page=1.5"), 400, "REQ-0001"),
                new Case("page=abc", admin.get("/api/users?page=abc"), 400, "REQ-0001"),
                new Case("page beyond int", admin.get("/api/users?page=99999999999"), 400, "REQ-0001"),
                new Case("size=0", admin.get("/api/users?size=0"), 400, "REQ-0001"),
                new Case("size=-5", admin.get("/api/users?size=-5"), 400, "REQ-0001"),
                new Case("size=1001", admin.get("/api/users?size=1001"), 400, "REQ-0001"),
                new Case("size=abc", admin.get("/api/users?size=abc"), 400, "REQ-0001"),
                new Case("size=1e2", admin.get("/api/users?size=1e2"), 400, "REQ-0001"),
                new Case("audit type with a NUL", admin.get("/api/audit?type=STEP%00UP"), 400, "REQ-0001"),
                new Case("audit type in lower case", admin.get("/api/audit?type=step_up"), 400, "REQ-0001"),
                new Case("audit type of 41 characters", admin.get("/api/audit?type=" + "A".repeat(41)), 400, "REQ-0001"),
                new Case("audit from before the year 1", admin.get("/api/audit?from=-999999999-01-01T00:00:00Z"), 400, "REQ-0001"),
                new Case("audit to after the year 9999", admin.get("/api/audit?to=%2B10000-01-01T00:00:00Z"), 400, "REQ-0001"),
                new Case("sign-in username with a NUL", anonymous.post("/api/session",
                        "{\"username\":\"a\\u0000b\",\"password\":\"x\"}"), 400, "REQ-0001"),
                new Case("sign-in username with a line feed", anonymous.post("/api/session",
                        "{\"username\":\"a\\nb\",\"password\":\"x\"}"), 400, "REQ-0001"));
        run(cases);
    }

    @Test
    void textNumbersAndHeadersNoFieldCanHoldAreClearErrors() {
        String config = "{\"validationWindow\":%s,\"completedCookieMaxAge\":5,"
                + "\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}";
        List<Case> cases = List.of(
                // PostgreSQL refuses a NUL; its driver writes an unpaired surrogate as '?'.
                bad("lastName with a line feed", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"lf-last-" + UUID.randomUUID() + "\",\"lastName\":\"a\\nb\"}")),
                bad("email with an unpaired surrogate", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"lone-mail-" + UUID.randomUUID() + "\",\"email\":\"a\\udc00@example.com\"}")),
                bad("sign-in username with an unpaired surrogate", anonymous.post("/api/session",
                        "{\"username\":\"admin\\ud800\",\"password\":\"x\"}")),
                bad("firstName with a NUL", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"nul-first-" + UUID.randomUUID() + "\",\"firstName\":\"a\\u0000b\"}")),
                bad("username with an unpaired surrogate", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"lone-\\ud800\"}")),
                bad("username with a low surrogate first", admin.post("/api/users",
                        "{\"type\":\"User\",\"username\":\"swapped-\\ude00\\ud83d\"}")),
                new Case("step-up code with a NUL", admin.post("/api/step-up/authenticate/TOTP",
                        "{\"otp\":\"12345\\u0000\"}"), 400, "MFA-0004"),
                new Case("configuration number whose zeros overflow", admin.post("/api/step-up/configuration",
                        config.formatted("100E2147483647")), 400, "CFG-0001"),
                new Case("configuration number of a tiny scale", admin.post("/api/step-up/configuration",
                        config.formatted("1E-2147483647")), 400, "CFG-0001"),
                bad("size in Arabic-Indic digits", admin.get("/api/users?size=%D9%A1%D9%A0")),
                bad("page with a plus sign", admin.get("/api/users?page=%2B1")),
                bad("olderThanHours in Arabic-Indic digits",
                        admin.delete("/api/mfa/admin/registrations/TOTP?status=CHALLENGE&olderThanHours=%D9%A1")),
                // Both runtimes parse these while matching; StepUp reads them first.
                bad("Content-Type that is no media type, with a body", admin.send("POST", "/api/users", "json", user("ct"))),
                bad("Content-Type that is no media type, on a GET", admin.send("GET", "/api/health", "json", null)),
                bad("Accept with a malformed quality", admin.get("/api/users").accept("application/json;q=abc")),
                bad("Accept with a quality above 1", admin.get("/api/users").accept("application/json;q=2")),
                new Case("Accept with a valid quality", admin.get("/api/nope").accept("application/json;q=0.5, */*;q=0.1"),
                        404, "REQ-0404"),
                new Case("Accept as old JDKs sent it", admin.get("/api/nope").accept("text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"),
                        404, "REQ-0404"),
                new Case("Accept with a capital Q", admin.get("/api/nope").accept("application/json;Q=0.5"), 404, "REQ-0404"),
                new Case("the error page asked for directly", anonymous.get("/error"), 404, "REQ-0404"),
                new Case("a web resource that does not exist", anonymous.get("/app/nothing-here.js"), 404, "REQ-0404"));
        run(cases);
    }

    @Test
    void aWrongTypeInAWholeNumberFieldNamesTheField() {
        String tokens = "/api/users/" + users.create().userId() + "/tokens";
        for (String value : List.of("\"ninety\"", "\"1.5\"", "true", "[30]", "{}", "1.5")) {
            Api.Reply reply = users.admin().post(tokens, "{\"tokenExpirationDays\":" + value + "}");
            reply.assertError(400, "REQ-0001");
            assertThat(reply.json().get("details")).as(value + ": " + reply).isEqualTo(Json.createObjectBuilder()
                    .add("field", "tokenExpirationDays").build());
        }
        Api.Reply asText = users.admin().post(tokens, "{\"tokenExpirationDays\":\"30\"}");
        assertThat(asText.status()).as("a numeric string, which the contract accepts: " + asText).isEqualTo(200);
    }

    @Test
    void aCookieHeaderJaxRsCannotParseIsNoCompletionId() {
        Users.Identity plain = users.create();
        Api.Reply reply = api.token(plain.token()).header("Cookie", "$Version=x")
                .post("/api/me/tokens", "{}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
        assertThat(reply.json().getString("errorCode")).isEqualTo("PE-0028");
    }

    @Test
    void aContentLengthBeyondIntIsTooLarge() throws IOException {
        String answer;
        try (Socket socket = new Socket(api.base().getHost(), api.base().getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /api/session HTTP/1.1\r\nHost: " + api.base().getHost() + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2147483648\r\nConnection: close\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // The head, then as much body as it announces (or, chunked, up to the closing
            // brace): the server may keep the connection open for the body it was promised.
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder head = new StringBuilder();
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.append(line).append('\n');
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            StringBuilder body = new StringBuilder();
            for (int c = length > 0 || head.indexOf("chunked") >= 0 ? in.read() : -1; c >= 0; c = in.read()) {
                body.append((char) c);
                if (body.length() == length || length == 0 && c == '}') {
                    break;
                }
            }
            answer = head.append(body).toString();
        }
        assertThat(answer).startsWith("HTTP/1.1 413").contains("\"errorCode\":\"REQ-0413\"");
    }

    @Test
    void missingBadOrInsufficientCredentialsAreRefused() {
        Users.Identity plain = users.create();
        Users.Identity viewer = users.create("IdentityViewer");
        Users.Identity manager = users.create("IdentityManager");
        String victim = users.create().userId();
        Caller none = new Caller("user without roles", "TOKEN " + plain.token());
        Caller viewing = new Caller("IdentityViewer", "TOKEN " + viewer.token());
        Caller managing = new Caller("IdentityManager", "TOKEN " + manager.token());
        Caller disabled = new Caller("disabled identity", "TOKEN " + disabledIdentityToken());
        List<Case> cases = new ArrayList<>(List.of(
                unauthenticated("no Authorization on GET /api/users", anonymous.get("/api/users")),
                unauthenticated("no Authorization on POST /api/users", anonymous.post("/api/users", user("anon"))),
                unauthenticated("no Authorization on GET /api/users/{id}", anonymous.get("/api/users/" + victim)),
                unauthenticated("no Authorization on DELETE /api/users/{id}", anonymous.delete("/api/users/" + victim)),
                unauthenticated("no Authorization on POST tokens", anonymous.post("/api/users/" + victim + "/tokens", "{}")),
                unauthenticated("no Authorization, browser Accept header", anonymous.get("/api/users").accept(BROWSER_ACCEPT)),
                unauthenticated("no Authorization and malformed JSON", anonymous.post("/api/users", "{\"type\":")),
                unauthenticated("no Authorization and a malformed id", anonymous.get("/api/users/not-an-id")),
                unauthenticated("garbage token", as("TOKEN garbage").get("/api/users")),
                unauthenticated("admin token with a character added", as("TOKEN " + TestDatabase.ADMIN_TOKEN + "x").get("/api/users")),
                unauthenticated("token of 200 characters", as("TOKEN " + "t".repeat(200)).get("/api/users")),
                unauthenticated("'TOKEN' without a token", as("TOKEN").get("/api/users")),
                unauthenticated("'TOKEN' followed by spaces", as("TOKEN    ").get("/api/users")),
                unauthenticated("token without scheme", as(TestDatabase.ADMIN_TOKEN).get("/api/users")),
                unauthenticated("'Bearer' without a JWT", as("Bearer").get("/api/users")),
                unauthenticated("'Bearer' with garbage that is no JWT", as("Bearer not.a.jwt").get("/api/users")),
                unauthenticated("'Bearer' with the admin API token", as("Bearer " + TestDatabase.ADMIN_TOKEN).get("/api/users")),
                unauthenticated("Basic credentials", as("Basic YWRtaW46YWRtaW4=").get("/api/users")),
                unauthenticated("token of a disabled identity", disabled.get("/api/users/" + victim)),
                forbidden("user without roles lists users", none.get("/api/users")),
                forbidden("user without roles reads a user", none.get("/api/users/" + victim)),
                forbidden("user without roles creates a user", none.post("/api/users", user("by-plain"))),
                forbidden("user without roles deletes a user", none.delete("/api/users/" + victim)),
                forbidden("user without roles issues a token", none.post("/api/users/" + victim + "/tokens", "{}")),
                forbidden("user without roles, malformed id: role check first", none.get("/api/users/not-an-id")),
                forbidden("user without roles, unknown id: role check first", none.get("/api/users/" + UNKNOWN_ID)),
                forbidden("user without roles, malformed JSON: role check first", none.post("/api/users", "{\"type\":")),
                forbidden("user without roles, bad paging: role check first", none.get("/api/users?size=0")),
                forbidden("IdentityViewer creates a user", viewing.post("/api/users", user("by-viewer"))),
                forbidden("IdentityViewer deletes a user", viewing.delete("/api/users/" + victim)),
                forbidden("IdentityViewer issues a token", viewing.post("/api/users/" + victim + "/tokens", "{}")),
                forbidden("IdentityManager creates a user", managing.post("/api/users", user("by-manager"))),
                forbidden("IdentityManager deletes a user", managing.delete("/api/users/" + victim)),
                forbidden("IdentityManager issues a token", managing.post("/api/users/" + victim + "/tokens", "{}"))));
        run(cases);

        // None of the refused requests changed anything.
        Api.Reply still = users.admin().get("/api/users/" + victim);
        assertThat(still.status()).as(still.toString()).isEqualTo(200);
    }

    // --- the table ------------------------------------------------------------------------

    /** One row: what is wrong, the request, and the contract's answer. */
    record Case(String what, Request request, int status, String code) {
        @Override
        public String toString() {
            return what + " [" + request + "] → expected " + status + " " + code;
        }
    }

    static Case bad(String what, Request request) {
        return new Case(what, request, 400, "REQ-0001");
    }

    static Case unauthenticated(String what, Request request) {
        return new Case(what, request, 401, "AU-0000");
    }

    static Case forbidden(String what, Request request) {
        return new Case(what, request, 403, "AU-0403");
    }

    /** Who sends a request: a name for the report and the Authorization header, if any. */
    record Caller(String name, String authorization) {

        Request get(String path) {
            return send("GET", path, null, null);
        }

        Request delete(String path) {
            return send("DELETE", path, null, null);
        }

        Request post(String path, String json) {
            return send("POST", path, JSON, json);
        }

        Request send(String method, String path, String contentType, String body) {
            Supplier<HttpRequest.BodyPublisher> publisher = body == null ? HttpRequest.BodyPublishers::noBody
                    : () -> HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
            return new Request(this, method, path, contentType, "application/json", describe(body), publisher, null);
        }

        /** A POST whose body has no Content-Length: HTTP/1.1 chunked transfer encoding. */
        Request chunked(String path, String json) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            return new Request(this, "POST", path, JSON, "application/json", describe(json) + " chunked",
                    () -> HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)),
                    HttpClient.Version.HTTP_1_1);
        }

        private static String describe(String body) {
            if (body == null) {
                return "";
            }
            return body.length() > 80 ? body.substring(0, 60) + "…(" + body.length() + " chars)" : body;
        }
    }

    Caller as(String authorization) {
        return new Caller("Authorization: " + abbreviate(authorization), authorization);
    }

    record Request(Caller caller, String method, String path, String contentType, String accept, String shownBody,
                   Supplier<HttpRequest.BodyPublisher> body, HttpClient.Version version) {

        Request accept(String mediaType) {
            return new Request(caller, method, path, contentType, mediaType, shownBody, body, version);
        }

        /** HTTP/1.1 on its own, so that Content-Length and chunking mean what they say. */
        Request http11() {
            return new Request(caller, method, path, contentType, accept, shownBody, body, HttpClient.Version.HTTP_1_1);
        }

        HttpRequest build(Api api) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(api.base().resolve(path.substring(1)))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body.get())
                    .header("Accept", accept);
            if (contentType != null) {
                builder.header("Content-Type", contentType);
            }
            if (caller.authorization() != null) {
                builder.header("Authorization", caller.authorization());
            }
            if (version != null) {
                builder.version(version);
            }
            return builder.build();
        }

        @Override
        public String toString() {
            return caller.name() + ": " + method + " " + path
                    + (contentType == null ? "" : " (" + contentType + ")")
                    + (shownBody.isEmpty() ? "" : " " + shownBody)
                    + ("application/json".equals(accept) ? "" : " Accept: " + accept);
        }
    }

    /** Sends every row, checks its answer, and fails once with the list of rows that went wrong. */
    void run(List<Case> cases) {
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Api.Reply reply;
            try {
                reply = api.send(c.request().build(api));
            } catch (UncheckedIOException e) {
                failures.add(c + "\n      got no answer: " + e.getCause());
                continue;
            }
            verdict(c, reply).ifPresent(problem -> failures.add(c + "\n      " + problem
                    + "\n      got " + reply.status() + " Content-Type: " + reply.header("Content-Type")
                    + " body: " + abbreviate(reply.body())));
        }
        if (!failures.isEmpty()) {
            System.out.println("ErrorsIT: " + failures.size() + " of " + cases.size() + " cases failed:");
            failures.forEach(f -> System.out.println("  - " + f));
        }
        assertThat(failures)
                .as("%d of %d cases answered other than the contract:%n  - %s", failures.size(), cases.size(),
                        String.join("\n  - ", failures))
                .isEmpty();
    }

    /** What is wrong with the answer to a case, if anything. */
    static Optional<String> verdict(Case c, Api.Reply reply) {
        List<String> problems = new ArrayList<>();
        if (reply.status() != c.status()) {
            problems.add("status " + reply.status() + " instead of " + c.status());
        }
        String type = reply.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            problems.add("Content-Type " + type + " instead of application/json");
        }
        String body = reply.body() == null ? "" : reply.body();
        String lower = body.toLowerCase(Locale.ROOT);
        if (lower.contains("<html") || lower.contains("<!doctype") || lower.contains("<body")) {
            problems.add("body is HTML");
        }
        if (body.contains("Exception") || body.contains("at dev.stepup") || body.contains("\tat ")
                || body.contains("java.lang") || body.contains("jakarta.") || body.contains("org.glassfish")) {
            problems.add("body shows internals (exception or stack trace)");
        }
        JsonObject json = null;
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            json = reader.readObject();
        } catch (RuntimeException e) {
            problems.add("body is not a JSON object");
        }
        if (json != null) {
            JsonValue code = json.get("errorCode");
            if (!(code instanceof JsonString s) || !s.getString().equals(c.code())) {
                problems.add("errorCode " + code + " instead of " + c.code());
            }
            JsonValue message = json.get("message");
            if (!(message instanceof JsonString s) || s.getString().isBlank()) {
                problems.add("no message");
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    // --- data -----------------------------------------------------------------------------

    /** A valid user body with a unique username: only what the row changes around it is wrong. */
    static String user(String prefix) {
        return "{\"type\":\"User\",\"username\":\"" + prefix + "-" + UUID.randomUUID()
                + "\",\"email\":\"x@example.com\",\"status\":\"active\"}";
    }

    /** An identity created disabled, with a token of its own. */
    String disabledIdentityToken() {
        Api.Reply created = users.admin().post("/api/users",
                "{\"type\":\"ServiceIdentity\",\"name\":\"disabled-" + UUID.randomUUID() + "\",\"status\":\"disabled\","
                        + "\"adminRoles\":[{\"name\":\"TenantAdmin\"}]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        Api.Reply token = users.admin().post("/api/users/" + created.string("userId") + "/tokens", "{}");
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        return token.string("token");
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() > 300 ? text.substring(0, 300) + "…(" + text.length() + " chars)" : text;
    }
}
