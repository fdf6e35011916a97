package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Admin management, the role matrix, Bearer JWT callers, the audit trail and metrics. */
@BlackBox
@RunAsClient
class AdminIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war();
    }

    @ArquillianResource
    URL base;

    Api api;
    Users users;

    @BeforeEach
    void setUp() {
        api = Api.at(base);
        users = new Users(api);
    }

    /** One row of the matrix: a request, made fresh for each caller, and the expected statuses. */
    record Row(String name, Function<String, Api.Reply> call, int... expected) {
    }

    @Test
    void roleMatrix() {
        Map<String, Api> callers = new LinkedHashMap<>();
        callers.put("anonymous", api);
        callers.put("no role", api.token(users.create().token()));
        callers.put("IdentityViewer", api.token(users.create("IdentityViewer").token()));
        callers.put("IdentityManager", api.token(users.create("IdentityManager").token()));
        callers.put("TenantAdmin", api.token(users.create("TenantAdmin").token()));
        callers.put("service, no role", api.token(users.service()));
        callers.put("service, IdentityManager", api.token(users.service("IdentityManager")));
        callers.put("Bearer, IdentityManager", api.header("Authorization",
                "Bearer " + Jwts.signed(Jwts.claims("idp-manager-" + System.nanoTime() + "@example.com", "IdentityManager").build())));

        Supplier<String> target = () -> users.create().userId();
        String unknown = "AAAAAAAAAAAAAAAAAAAA";
        String config = "{\"validationWindow\":30,\"completedCookieMaxAge\":5,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}";
        List<Row> rows = new ArrayList<>();
        // caller order:                                     anon  none  view  mgr   admin svc0  svcM  jwtM
        rows.add(new Row("GET /api/users", c -> at(callers, c).get("/api/users"), 401, 403, 200, 200, 200, 403, 200, 200));
        rows.add(new Row("POST /api/users", c -> at(callers, c).post("/api/users",
                "{\"type\":\"User\",\"username\":\"m-" + System.nanoTime() + "\"}"), 401, 403, 403, 403, 200, 403, 403, 403));
        rows.add(new Row("GET /api/users/{id}", c -> at(callers, c).get("/api/users/" + target.get()), 401, 403, 200, 200, 200, 403, 200, 200));
        rows.add(new Row("DELETE /api/users/{id}", c -> at(callers, c).delete("/api/users/" + target.get()), 401, 403, 403, 403, 204, 403, 403, 403));
        rows.add(new Row("POST /api/users/{id}/tokens", c -> at(callers, c).post("/api/users/" + target.get() + "/tokens", "{}"), 401, 403, 403, 403, 200, 403, 403, 403));
        rows.add(new Row("PATCH /api/users/{id}/resetmfa", c -> at(callers, c).patch("/api/users/" + target.get() + "/resetmfa", null), 401, 403, 403, 204, 204, 403, 204, 204));
        rows.add(new Row("GET admin status", c -> at(callers, c).get("/api/mfa/admin/registrations/TOTP/users/" + target.get()), 401, 403, 200, 200, 200, 403, 200, 200));
        rows.add(new Row("GET admin status, unknown user", c -> at(callers, c).get("/api/mfa/admin/registrations/TOTP/users/" + unknown), 401, 403, 404, 404, 404, 403, 404, 404));
        rows.add(new Row("GET admin status, malformed id", c -> at(callers, c).get("/api/mfa/admin/registrations/TOTP/users/bad-id"), 401, 403, 400, 400, 400, 403, 400, 400));
        rows.add(new Row("DELETE admin registration", c -> at(callers, c).delete("/api/mfa/admin/registrations/TOTP/users/" + target.get()), 401, 403, 403, 204, 204, 403, 204, 204));
        rows.add(new Row("DELETE admin registration, unknown user", c -> at(callers, c).delete("/api/mfa/admin/registrations/TOTP/users/" + unknown), 401, 403, 403, 204, 204, 403, 204, 204));
        rows.add(new Row("GET admin listing", c -> at(callers, c).get("/api/mfa/admin/registrations/TOTP?size=1"), 401, 403, 200, 200, 200, 403, 200, 200));
        rows.add(new Row("DELETE purge", c -> at(callers, c).delete("/api/mfa/admin/registrations/TOTP?status=CHALLENGE&olderThanHours=8760"), 401, 403, 403, 200, 200, 403, 200, 200));
        rows.add(new Row("GET /api/audit", c -> at(callers, c).get("/api/audit?size=1"), 401, 403, 403, 403, 200, 403, 403, 403));
        rows.add(new Row("GET configuration", c -> at(callers, c).get("/api/step-up/configuration"), 401, 200, 200, 200, 200, 200, 200, 200));
        rows.add(new Row("POST configuration", c -> at(callers, c).post("/api/step-up/configuration", config), 401, 403, 403, 403, 200, 403, 403, 403));
        rows.add(new Row("GET own registration", c -> at(callers, c).get("/api/mfa/register/TOTP"), 401, 200, 200, 200, 200, 200, 200, 200));
        rows.add(new Row("DELETE own registration", c -> at(callers, c).delete("/api/mfa/register/TOTP/123456"), 401, 403, 403, 403, 409, 403, 403, 403));
        rows.add(new Row("POST step-up", c -> at(callers, c).post("/api/step-up/authenticate/TOTP", "{\"otp\":\"123456\"}"), 401, 409, 409, 409, 409, 409, 409, 409));
        rows.add(new Row("GET step-up status", c -> at(callers, c).get("/api/step-up/status"), 401, 200, 200, 200, 200, 200, 200, 200));
        rows.add(new Row("HEAD /api/health", c -> at(callers, c).head("/api/health"), 200, 200, 200, 200, 200, 200, 200, 200));

        List<String> names = new ArrayList<>(callers.keySet());
        StringBuilder table = new StringBuilder(String.format("%-40s", "endpoint"));
        names.forEach(n -> table.append(String.format(" | %-24s", n)));
        table.append('\n');
        // In this table, each error status has one cause, so one error code.
        Map<Integer, String> codes = Map.of(400, "U-0002", 401, "AU-0000", 403, "AU-0403", 404, "U-0001", 409, "MFA-0003");
        int mismatches = 0;
        for (Row row : rows) {
            table.append(String.format("%-40s", row.name()));
            for (int i = 0; i < names.size(); i++) {
                Api.Reply reply = row.call().apply(names.get(i));
                boolean ok = reply.status() == row.expected()[i];
                if (ok && reply.status() >= 400) {
                    ok = codes.get(reply.status()).equals(reply.errorCode());
                }
                mismatches += ok ? 0 : 1;
                table.append(String.format(" | %-24s", ok ? String.valueOf(reply.status())
                        : "GOT " + reply.status() + (reply.status() >= 400 ? " " + reply.errorCode() : "") + " WANT " + row.expected()[i]));
            }
            table.append('\n');
        }
        assertThat(mismatches).as("role matrix:\n" + table).isZero();
    }

    @Test
    void bearerTokensAreCheckedBeforeTheyAreTrusted() {
        String upn = "jwt-user-" + System.nanoTime() + "@example.com";
        Api.Reply valid = bearer(Jwts.signed(Jwts.claims(upn).build())).get("/api/mfa/register/TOTP");
        assertThat(valid.status()).as(valid.toString()).isEqualTo(200);
        assertThat(valid.json().getString("status")).isEqualTo("UNREGISTERED");

        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("wrong signature", Jwts.signedByAnotherKey(Jwts.claims(upn).build()));
        refused.put("wrong issuer", Jwts.signed(Jwts.claims(upn).issuer("https://evil.example").build()));
        refused.put("wrong audience", Jwts.signed(Jwts.claims(upn).audience("someone-else").build()));
        refused.put("expired", Jwts.signed(Jwts.claims(upn).expirationTime(java.util.Date.from(Instant.now().minusSeconds(600))).build()));
        refused.put("alg none", Jwts.unsigned(Jwts.claims(upn).build()));
        refused.put("garbage", "not.a.jwt");
        // A name no user may have (PostgreSQL refuses a NUL), in every name claim.
        refused.put("a name with a NUL", Jwts.signed(Jwts.claims("nul\u0000" + upn).build()));
        refused.forEach((what, jwt) -> {
            Api.Reply reply = bearer(jwt).get("/api/mfa/register/TOTP");
            assertThat(reply.status()).as(what).isEqualTo(401);
            assertThat(reply.errorCode()).as(what).isEqualTo("AU-0000");
        });
        // Refused before it reaches the database, which logged an SQL error and a stack trace for it.
        Enrolled.sleep(1_000);
        assertThat(ServerLogs.read()).doesNotContain("invalid byte sequence");

        // A JWT never speaks for a local identity of the same name.
        Users.Identity local = users.create();
        assertThat(bearer(Jwts.signed(Jwts.claims(local.username(), "TenantAdmin").build())).get("/api/users").status()).isEqualTo(401);
    }

    @Test
    void adminSeesAndResetsAUsersRegistration() {
        Enrolled user = Enrolled.create(users, api);
        Api manager = api.token(users.create("IdentityManager").token());
        String path = "/api/mfa/admin/registrations/TOTP/users/" + user.identity().userId();
        assertThat(manager.get(path).json().getString("status")).isEqualTo("REGISTERED");
        assertThat(manager.delete(path).status()).isEqualTo(204);
        assertThat(manager.get(path).json().getString("status")).isEqualTo("UNREGISTERED");
        assertThat(user.api().get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("UNREGISTERED");
        assertThat(manager.delete(path).status()).as("batch jobs retry").isEqualTo(204);

        // One's own registration is never reset this way: that needs a current code.
        Users.Identity self = users.create("IdentityManager");
        Api own = api.token(self.token());
        Api.Reply ownReset = own.delete("/api/mfa/admin/registrations/TOTP/users/" + self.userId());
        assertThat(ownReset.status()).isEqualTo(403);
        assertThat(ownReset.errorCode()).isEqualTo("AU-0403");
        assertThat(own.patch("/api/users/" + self.userId() + "/resetmfa", null).status()).isEqualTo(403);

        Enrolled again = Enrolled.create(users, api);
        assertThat(manager.patch("/api/users/" + again.identity().userId() + "/resetmfa", null).status()).isEqualTo(204);
        assertThat(again.api().get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("UNREGISTERED");
    }

    @Test
    void purgeRemovesOnlyStaleChallenges() throws Exception {
        Users.Identity stale = users.create();
        Users.Identity fresh = users.create();
        api.token(stale.token()).post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        api.token(fresh.token()).post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        Enrolled registered = Enrolled.create(users, api);
        try (Connection db = TestDatabase.connect(); PreparedStatement age = db.prepareStatement(
                "update registration set created_at = created_at - interval '30 hours' where identity_id in (?, ?)")) {
            age.setString(1, stale.userId());
            age.setString(2, registered.identity().userId());
            assertThat(age.executeUpdate()).isEqualTo(2);
        }
        Api.Reply purged = users.admin().delete("/api/mfa/admin/registrations/TOTP?status=CHALLENGE&olderThanHours=24");
        assertThat(purged.status()).isEqualTo(200);
        assertThat(purged.json().getInt("deleted")).isGreaterThanOrEqualTo(1);
        Api admin = users.admin();
        assertThat(admin.get("/api/mfa/admin/registrations/TOTP/users/" + stale.userId()).json().getString("status")).isEqualTo("UNREGISTERED");
        assertThat(admin.get("/api/mfa/admin/registrations/TOTP/users/" + fresh.userId()).json().getString("status")).isEqualTo("CHALLENGE");
        assertThat(admin.get("/api/mfa/admin/registrations/TOTP/users/" + registered.identity().userId()).json().getString("status")).isEqualTo("REGISTERED");

        Api.Reply onlyChallenge = admin.delete("/api/mfa/admin/registrations/TOTP?status=REGISTERED");
        assertThat(onlyChallenge.status()).isEqualTo(400);
        assertThat(admin.delete("/api/mfa/admin/registrations/TOTP?status=CHALLENGE&olderThanHours=0").status()).isEqualTo(400);
    }

    @Test
    void auditAndMetricsRecordAScriptedSequence() throws Exception {
        Map<String, Double> before = metrics();
        Users.Identity identity = users.create();
        Api me = api.token(identity.token());
        String key = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").json().getJsonObject("additionalDetails").getString("key");
        TestTotp totp = TestTotp.fromUri("otpauth://totp/x:y?secret=" + key + "&algorithm=SHA1&digits=6&period=30");
        totp.awayFromStepEdge(5);
        long step = totp.currentStep();
        String wrong = totp.wrongCode();
        assertThat(me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + wrong + "\"}").status()).isEqualTo(400);
        assertThat(me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + totp.code(step) + "\"}").status()).isEqualTo(200);
        assertThat(me.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + wrong + "\"}").json().getString("result")).isEqualTo("FAILED");
        String stepUpCode = totp.code(step + 1);
        Api.Reply steppedUp = me.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + stepUpCode + "\"}");
        assertThat(steppedUp.json().getString("result")).isEqualTo("SUCCESS");
        String setCookie = steppedUp.header("Set-Cookie");
        String completion = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
        assertThat(me.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + stepUpCode + "\"}").json().getString("result")).isEqualTo("FAILED");
        assertThat(users.admin().delete("/api/mfa/admin/registrations/TOTP/users/" + identity.userId()).status()).isEqualTo(204);

        Api.Reply audit = users.admin().get("/api/audit?userId=" + identity.userId());
        assertThat(audit.status()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (JsonObject line : audit.json().getJsonArray("data").getValuesAs(JsonObject.class)) {
            lines.add(0, line.getString("type") + " " + line.getString("outcome"));
            assertThat(line.keySet()).containsExactlyInAnyOrder("time", "type", "outcome", "actorId", "targetId", "sourceIp", "details");
            assertThat(line.getString("time")).isNotBlank();
        }
        assertThat(lines).containsExactly(
                "USER_CREATED SUCCESS",
                "TOKEN_CREATED SUCCESS",
                "ENROLMENT_STARTED SUCCESS",
                "ENROLMENT_CONFIRMATION FAILED",
                "ENROLMENT_CONFIRMATION SUCCESS",
                "ENROLMENT_CONFIRMED SUCCESS",
                "STEP_UP FAILED",
                "STEP_UP SUCCESS",
                "STEP_UP REPLAYED",
                "REGISTRATION_DELETED SUCCESS");
        JsonObject newest = audit.json().getJsonArray("data").getJsonObject(0);
        assertThat(newest.getString("details")).isEqualTo("admin");
        assertThat(newest.getString("sourceIp")).isNotBlank();
        assertThat(users.admin().get("/api/audit?userId=" + identity.userId() + "&type=STEP_UP").json().getInt("count")).isEqualTo(3);
        assertThat(users.admin().get("/api/audit?from=2999-01-01T00:00:00Z").json().getInt("count")).isZero();
        assertThat(users.admin().get("/api/audit?from=yesterday").status()).isEqualTo(400);

        // Neither the audit table nor the server log holds the key, a code or the token.
        StringBuilder dump = new StringBuilder();
        try (Connection db = TestDatabase.connect(); Statement all = db.createStatement();
             ResultSet rows = all.executeQuery("select * from audit_event")) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int i = 1; i <= columns; i++) {
                    dump.append(rows.getString(i)).append('\t');
                }
                dump.append('\n');
            }
        }
        for (String secret : List.of(key, wrong, totp.code(step), stepUpCode, completion, identity.token(), TestDatabase.ADMIN_TOKEN)) {
            Pattern word = Pattern.compile("(?<![0-9A-Za-z_-])" + Pattern.quote(secret) + "(?![0-9A-Za-z_-])");
            assertThat(word.matcher(dump).find()).as("audit table holds a secret").isFalse();
            assertThat(word.matcher(ServerLogs.read()).find()).as("server log holds a secret").isFalse();
        }

        Map<String, Double> after = metrics();
        assertThat(delta(before, after, "stepup_verifications_total", "purpose=\"step_up\"", "outcome=\"success\"")).isEqualTo(1);
        assertThat(delta(before, after, "stepup_verifications_total", "purpose=\"step_up\"", "outcome=\"failed\"")).isEqualTo(1);
        assertThat(delta(before, after, "stepup_verifications_total", "purpose=\"step_up\"", "outcome=\"replayed\"")).isEqualTo(1);
        assertThat(delta(before, after, "stepup_verifications_total", "purpose=\"confirm_registration\"", "outcome=\"failed\"")).isEqualTo(1);
        assertThat(delta(before, after, "stepup_enrolments_total", "stage=\"started\"")).isEqualTo(1);
        assertThat(delta(before, after, "stepup_enrolments_total", "stage=\"confirmed\"")).isEqualTo(1);
        assertThat(after.keySet()).anySatisfy(k -> assertThat(k).startsWith("stepup_registrations{").contains("REGISTERED"));
    }

    @Test
    void listingCountsFollowEveryWayARegistrationChanges() throws Exception {
        Api admin = users.admin();
        long challenges = count(admin, "?status=CHALLENGE");
        long registered = count(admin, "?status=REGISTERED");
        long all = count(admin, "");

        Users.Identity pending = users.create();
        Users.Identity pendingThenDeleted = users.create();
        for (Users.Identity user : List.of(pending, pendingThenDeleted)) {
            assertThat(api.token(user.token()).post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").status())
                    .isEqualTo(200);
        }
        Enrolled kept = Enrolled.create(users, api);
        Enrolled reset = Enrolled.create(users, api);
        assertThat(admin.delete("/api/mfa/admin/registrations/TOTP/users/" + reset.identity().userId()).status()).isEqualTo(204);
        assertThat(admin.delete("/api/users/" + pendingThenDeleted.userId()).status()).isEqualTo(204);
        // Starting over on a pending enrolment changes nothing the listing counts.
        assertThat(api.token(pending.token()).post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").status())
                .isEqualTo(200);

        assertThat(count(admin, "?status=CHALLENGE")).isEqualTo(challenges + 1);
        assertThat(count(admin, "?status=REGISTERED")).isEqualTo(registered + 1);
        assertThat(count(admin, "")).isEqualTo(all + 2);
        // The newest registrations are last, on the listing's last page.
        long total = count(admin, "");
        assertThat(ids(admin.get("/api/mfa/admin/registrations/TOTP?size=1&page=" + (total - 2)))).containsExactly(pending.userId());
        assertThat(ids(admin.get("/api/mfa/admin/registrations/TOTP?size=1&page=" + (total - 1))))
                .containsExactly(kept.identity().userId());

        // The tally the trigger keeps is exactly a recount of the registrations.
        String recount = "select factor, status, list_order / 1024 as block, count(*) as n from registration"
                + " group by factor, status, list_order / 1024";
        assertThat(rows(recount)).isEqualTo(rows("select factor, status, block, n from registration_tally where n <> 0"));
    }

    private static long count(Api api, String query) {
        Api.Reply reply = api.get("/api/mfa/admin/registrations/TOTP" + query);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().getJsonNumber("count").longValue();
    }

    private static Set<String> rows(String sql) throws Exception {
        Set<String> rows = new TreeSet<>();
        try (Connection db = TestDatabase.connect(); Statement query = db.createStatement(); ResultSet result = query.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1) + " " + result.getString(2) + " " + result.getLong(3) + " " + result.getLong(4));
            }
        }
        return rows;
    }

    @Test
    void listingOf100000RegistrationsAnswersFirstAndLastPage() throws Exception {
        try (Connection db = TestDatabase.connect(); Statement seed = db.createStatement()) {
            seed.execute("insert into identity (id, type, username, status, created_at)"
                    + " select 'S' || lpad(n::text, 19, '0'), 'User', 'seeded-' || n, 'active', now()"
                    + " from generate_series(1, 100000) n on conflict do nothing");
            seed.execute("insert into registration (identity_id, factor, status, secret_ciphertext, key_id, hash_function,"
                    + " digits, time_step, created_at, last_step, failures)"
                    + " select 'S' || lpad(n::text, 19, '0'), 'TOTP', 'REGISTERED', 'AAAA', 'seeded', 'SHA1', 6, 30, now(), -1, 0"
                    + " from generate_series(1, 100000) n on conflict do nothing");
        }
        Api viewer = api.token(users.create("IdentityViewer").token());
        Api.Reply first = viewer.get("/api/mfa/admin/registrations/TOTP?status=REGISTERED&page=0&size=100");
        assertThat(first.status()).isEqualTo(200);
        long count = first.json().getJsonNumber("count").longValue();
        assertThat(count).isGreaterThanOrEqualTo(100_000);
        assertThat(first.json().getJsonArray("data")).hasSize(100);
        assertThat(ids(first)).isEqualTo(expectedIds(0));
        JsonObject row = first.json().getJsonArray("data").getJsonObject(0);
        assertThat(row.keySet()).containsExactlyInAnyOrder("userId", "username", "status", "factor", "createdAt", "lastUsedAt");
        assertThat(row.getString("status")).isEqualTo("REGISTERED");

        int last = (int) ((count - 1) / 100);
        Api.Reply lastPage = viewer.get("/api/mfa/admin/registrations/TOTP?status=REGISTERED&page=" + last + "&size=100");
        assertThat(lastPage.json().getJsonArray("data")).hasSize((int) (count - last * 100L));
        assertThat(ids(lastPage)).isEqualTo(expectedIds(last * 100));
        assertThat(viewer.get("/api/mfa/admin/registrations/TOTP?status=REGISTERED&page=" + (last + 1)).json().getJsonArray("data")).isEmpty();
        assertThat(viewer.get("/api/mfa/admin/registrations/TOTP?status=UNKNOWN").status()).isEqualTo(400);
    }

    private static List<String> ids(Api.Reply page) {
        return page.json().getJsonArray("data").getValuesAs(JsonObject.class).stream().map(o -> o.getString("userId")).toList();
    }

    private static List<String> expectedIds(int offset) throws Exception {
        try (Connection db = TestDatabase.connect(); PreparedStatement query = db.prepareStatement(
                "select identity_id from registration where factor = 'TOTP' and status = 'REGISTERED'"
                        + " order by list_order offset ? limit 100")) {
            query.setInt(1, offset);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    private Map<String, Double> metrics() {
        Api.Reply reply = Server.metrics(api);
        assertThat(reply.status()).isEqualTo(200);
        Map<String, Double> values = new LinkedHashMap<>();
        Matcher line = Pattern.compile("(?m)^(stepup_[a-z_]+\\{[^}]*\\})\\s+([0-9.eE+-]+)$").matcher(reply.body());
        while (line.find()) {
            values.put(line.group(1), Double.parseDouble(line.group(2)));
        }
        return values;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    private static double value(Map<String, Double> metrics, String name, String... labels) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(e.getKey()::contains))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private Api bearer(String jwt) {
        return api.header("Authorization", "Bearer " + jwt);
    }

    private static Api at(Map<String, Api> callers, String name) {
        return callers.get(name);
    }
}
