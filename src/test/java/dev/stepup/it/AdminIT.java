package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
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
import org.junit.jupiter.api.Test;

/** Admin management, the role matrix, Bearer JWT callers, the audit trail and metrics. */
@BlackBox
class AdminIT {

    Api api;
    Users users;

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
        callers.put("service, StepUpVerifier", api.token(users.service("StepUpVerifier")));

        Supplier<String> target = () -> users.create().userId();
        String unknown = "AAAAAAAAAAAAAAAAAAAA";
        String config = "{\"validationWindow\":30,\"completedCookieMaxAge\":5,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}";
        // PE is 403 PE-0028: a step-up is needed (guarded administration asks one of Bearer callers).
        int pe = PE;
        List<Row> rows = new ArrayList<>();
        // caller order:                                     anon  none  view  mgr   admin svc0  svcM  jwtM  verifier
        rows.add(new Row("GET /api/users", c -> at(callers, c).get("/api/users"), 401, 403, 200, 200, 200, 403, 200, 200, 403));
        rows.add(new Row("POST /api/users", c -> at(callers, c).post("/api/users",
                "{\"type\":\"User\",\"username\":\"m-" + System.nanoTime() + "\"}"), 401, 403, 403, 403, 200, 403, 403, 403, 403));
        rows.add(new Row("GET /api/users/{id}", c -> at(callers, c).get("/api/users/" + target.get()), 401, 403, 200, 200, 200, 403, 200, 200, 403));
        rows.add(new Row("DELETE /api/users/{id}", c -> at(callers, c).delete("/api/users/" + target.get()), 401, 403, 403, 403, 204, 403, 403, 403, 403));
        rows.add(new Row("POST /api/users/{id}/tokens", c -> at(callers, c).post("/api/users/" + target.get() + "/tokens", "{}"), 401, 403, 403, 403, 200, 403, 403, 403, 403));
        rows.add(new Row("PATCH /api/users/{id}/resetmfa", c -> at(callers, c).patch("/api/users/" + target.get() + "/resetmfa", null), 401, 403, 403, 204, 204, 403, 204, pe, 403));
        rows.add(new Row("GET admin status", c -> at(callers, c).get("/api/mfa/admin/registrations/TOTP/users/" + target.get()), 401, 403, 200, 200, 200, 403, 200, 200, 403));
        rows.add(new Row("GET admin status, unknown user", c -> at(callers, c).get("/api/mfa/admin/registrations/TOTP/users/" + unknown), 401, 403, 404, 404, 404, 403, 404, 404, 403));
        rows.add(new Row("GET admin status, malformed id", c -> at(callers, c).get("/api/mfa/admin/registrations/TOTP/users/bad-id"), 401, 403, 400, 400, 400, 403, 400, 400, 403));
        rows.add(new Row("DELETE admin registration", c -> at(callers, c).delete("/api/mfa/admin/registrations/TOTP/users/" + target.get()), 401, 403, 403, 204, 204, 403, 204, pe, 403));
        rows.add(new Row("DELETE admin registration, unknown user", c -> at(callers, c).delete("/api/mfa/admin/registrations/TOTP/users/" + unknown), 401, 403, 403, 204, 204, 403, 204, pe, 403));
        rows.add(new Row("GET admin listing", c -> at(callers, c).get("/api/mfa/admin/registrations/TOTP?size=1"), 401, 403, 200, 200, 200, 403, 200, 200, 403));
        rows.add(new Row("DELETE purge", c -> at(callers, c).delete("/api/mfa/admin/registrations/TOTP?status=CHALLENGE&olderThanHours=8760"), 401, 403, 403, 200, 200, 403, 200, pe, 403));
        rows.add(new Row("GET /api/audit", c -> at(callers, c).get("/api/audit?size=1"), 401, 403, 403, 403, 200, 403, 403, 403, 403));
        rows.add(new Row("GET configuration", c -> at(callers, c).get("/api/step-up/configuration"), 401, 200, 200, 200, 200, 200, 200, 200, 403));
        rows.add(new Row("POST configuration", c -> at(callers, c).post("/api/step-up/configuration", config), 401, 403, 403, 403, 200, 403, 403, 403, 403));
        rows.add(new Row("GET own registration", c -> at(callers, c).get("/api/mfa/register/TOTP"), 401, 200, 200, 200, 200, 200, 200, 200, 403));
        rows.add(new Row("DELETE own registration", c -> at(callers, c).delete("/api/mfa/register/TOTP/123456"), 401, 403, 403, 403, 409, 403, 403, 403, 403));
        rows.add(new Row("POST step-up", c -> at(callers, c).post("/api/step-up/authenticate/TOTP", "{\"otp\":\"123456\"}"), 401, 409, 409, 409, 409, 409, 409, 409, 403));
        rows.add(new Row("GET step-up status", c -> at(callers, c).get("/api/step-up/status"), 401, 200, 200, 200, 200, 200, 200, 200, 403));
        rows.add(new Row("POST /api/mfa/recover", c -> at(callers, c).post("/api/mfa/recover", "{\"recoveryCode\":\"0000-0000-00\"}"), 401, 409, 409, 409, 409, 409, 409, 409, 403));
        rows.add(new Row("GET recovery codes", c -> at(callers, c).get("/api/mfa/recovery-codes"), 401, 200, 200, 200, 200, 200, 200, 200, 403));
        rows.add(new Row("POST recovery codes", c -> at(callers, c).post("/api/mfa/recovery-codes", null), 401, pe, pe, pe, pe, pe, pe, pe, 403));
        rows.add(new Row("POST /api/session/confirm", c -> at(callers, c).post("/api/session/confirm", "{\"password\":\"x\"}"), 401, 403, 403, 403, 403, 403, 403, 403, 403));
        rows.add(new Row("POST consume", c -> at(callers, c).post("/api/step-up/completions/consume",
                "{\"completionId\":\"x\",\"userId\":\"" + unknown + "\"}"), 401, 403, 403, 403, 403, 403, 403, 403, pe));
        rows.add(new Row("POST verify", c -> at(callers, c).post("/api/step-up/verify/TOTP",
                "{\"userId\":\"" + unknown + "\",\"otp\":\"123456\"}"), 401, 403, 403, 403, 403, 403, 403, 403, 404));
        rows.add(new Row("HEAD /api/health", c -> at(callers, c).head("/api/health"), 200, 200, 200, 200, 200, 200, 200, 200, 200));

        List<String> names = new ArrayList<>(callers.keySet());
        // The TenantAdmin's POST of the configuration is a change the whole tenant sees: undone after the table.
        TenantConfiguration.change(users.admin(), users.admin().get("/api/step-up/configuration").body())
                .during(() -> assertThat(roleMatrixMismatches(names, rows)).isEmpty());
    }

    /** In the role matrix: {@code 403 PE-0028}, where a step-up is needed rather than a role. */
    static final int PE = -403;

    private static List<String> roleMatrixMismatches(List<String> names, List<Row> rows) {
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
                int expected = row.expected()[i];
                boolean ok = reply.status() == (expected == PE ? 403 : expected);
                if (ok && reply.status() >= 400) {
                    ok = (expected == PE ? "PE-0028" : codes.get(reply.status())).equals(reply.errorCode());
                }
                mismatches += ok ? 0 : 1;
                table.append(String.format(" | %-24s", ok ? String.valueOf(reply.status())
                        : "GOT " + reply.status() + (reply.status() >= 400 ? " " + reply.errorCode() : "") + " WANT " + row.expected()[i]));
            }
            table.append('\n');
        }
        return mismatches == 0 ? List.of() : List.of("role matrix:\n" + table);
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
        assertThat(ServerLogs.upToNow(api)).doesNotContain("invalid byte sequence");

        // A JWT never speaks for a local identity of the same name.
        Users.Identity local = users.create();
        Api.Reply impostor = bearer(Jwts.signed(Jwts.claims(local.username(), "TenantAdmin").build())).get("/api/users");
        assertThat(impostor.status()).isEqualTo(401);
        assertThat(impostor.errorCode()).isEqualTo("AU-0000");
    }

    @Test
    void adminSeesAndResetsAUsersRegistration() {
        Enrolled user = Enrolled.create(users);
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
        Api.Reply ownPatch = own.patch("/api/users/" + self.userId() + "/resetmfa", null);
        assertThat(ownPatch.status()).isEqualTo(403);
        assertThat(ownPatch.errorCode()).isEqualTo("AU-0403");

        Enrolled again = Enrolled.create(users);
        assertThat(manager.patch("/api/users/" + again.identity().userId() + "/resetmfa", null).status()).isEqualTo(204);
        assertThat(again.api().get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("UNREGISTERED");
    }

    @Test
    void purgeRemovesOnlyStaleChallenges() {
        Users.Identity stale = pendingUser();
        Users.Identity fresh = pendingUser();
        Enrolled registered = Enrolled.create(users);
        RegistrationRows.shared().update(stale.userId(), "created_at = created_at - interval '30 hours'");
        RegistrationRows.shared().update(registered.userId(), "created_at = created_at - interval '30 hours'");
        // The purge is the tenant's: it also removes other tests' stale challenges, so only ours are checked.
        Api.Reply purged = users.admin().delete("/api/mfa/admin/registrations/TOTP?status=CHALLENGE&olderThanHours=24");
        assertThat(purged.status()).as(purged.toString()).isEqualTo(200);
        assertThat(purged.json().getInt("deleted")).isGreaterThanOrEqualTo(1);
        // A challenge this old reads as UNREGISTERED anyway (its time to live is 10 minutes): the row tells.
        assertThat(RegistrationRows.shared().exists(stale.userId())).as("the stale challenge's row").isFalse();
        assertThat(statusOf(stale)).isEqualTo("UNREGISTERED");
        assertThat(statusOf(fresh)).isEqualTo("CHALLENGE");
        assertThat(statusOf(registered.identity())).isEqualTo("REGISTERED");

        Api admin = users.admin();
        for (String query : List.of("status=REGISTERED", "status=CHALLENGE&olderThanHours=0", "status=CHALLENGE&olderThanHours=8761")) {
            Api.Reply refused = admin.delete("/api/mfa/admin/registrations/TOTP?" + query);
            assertThat(refused.status()).as(query).isEqualTo(400);
            assertThat(refused.errorCode()).as(query).isEqualTo("REQ-0001");
        }
    }

    @Test
    void purgeRemovesChallengesOlderThan24HoursByDefault() {
        Users.Identity older = pendingUser();
        Users.Identity younger = pendingUser();
        RegistrationRows.shared().update(older.userId(), "created_at = created_at - interval '24 hours 5 minutes'");
        RegistrationRows.shared().update(younger.userId(), "created_at = created_at - interval '23 hours 55 minutes'");
        Api.Reply purged = users.admin().delete("/api/mfa/admin/registrations/TOTP?status=CHALLENGE");
        assertThat(purged.status()).as(purged.toString()).isEqualTo(200);
        assertThat(purged.json().getInt("deleted")).isGreaterThanOrEqualTo(1);
        // Both read as UNREGISTERED (past the challenge's time to live of 10 minutes): the rows tell.
        assertThat(RegistrationRows.shared().exists(older.userId())).as("the row of the challenge of 24 h 5 min").isFalse();
        assertThat(RegistrationRows.shared().exists(younger.userId())).as("the row of the challenge of 23 h 55 min").isTrue();
    }

    /** A new user with a pending enrolment. */
    private Users.Identity pendingUser() {
        Users.Identity user = users.create();
        Api.Reply challenge = api.token(user.token()).post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        assertThat(challenge.status()).as(challenge.toString()).isEqualTo(200);
        return user;
    }

    private String statusOf(Users.Identity user) {
        Api.Reply status = users.admin().get("/api/mfa/admin/registrations/TOTP/users/" + user.userId());
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        return status.json().getString("status");
    }

    @Test
    void auditAndMetricsRecordAScriptedSequence() throws Exception {
        // Metrics are the server's, not a user's: differences over this test, which is alone on
        // the shared server (its classes run one after another).
        Map<String, Double> before = metrics();
        Users.Identity identity = users.create();
        Api me = api.token(identity.token());
        String key = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").json().getJsonObject("additionalDetails").getString("key");
        TestTotp totp = TestTotp.fromUri("otpauth://totp/x:y?secret=" + key + "&algorithm=SHA1&digits=6&period=30");
        long step = totp.currentStep();
        String wrong = totp.wrongCode();
        me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + wrong + "\"}").assertError(400, "MFA-0007");
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
        Api.Reply yesterday = users.admin().get("/api/audit?from=yesterday");
        assertThat(yesterday.status()).isEqualTo(400);
        assertThat(yesterday.errorCode()).isEqualTo("REQ-0001");

        // Neither the audit table nor the server log holds the key, a code or the token.
        String log = ServerLogs.upToNow(api);
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
            assertThat(word.matcher(log).find()).as("server log holds a secret").isFalse();
        }

        Map<String, Double> after = metrics();
        assertThat(delta(before, after, "stepup_verifications_total", "purpose=\"step_up\"", "outcome=\"success\"")).isEqualTo(1);
        assertThat(delta(before, after, "stepup_verifications_total", "purpose=\"step_up\"", "outcome=\"failed\"")).isEqualTo(1);
        assertThat(delta(before, after, "stepup_verifications_total", "purpose=\"step_up\"", "outcome=\"replayed\"")).isEqualTo(1);
        assertThat(delta(before, after, "stepup_verifications_total", "purpose=\"confirm_registration\"", "outcome=\"failed\"")).isEqualTo(1);
        // The wrong step-up and the replay, one after the other on PostgreSQL: two batches of a
        // code each. The success after a failure resets the count on its own, and confirmations
        // are not checked in batches.
        assertThat(delta(before, after, "stepup_verification_batches_total", "counted=\"codes\"")).isEqualTo(2);
        assertThat(delta(before, after, "stepup_verification_batches_total", "counted=\"transactions\"")).isEqualTo(2);
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
        Enrolled kept = Enrolled.create(users);
        Enrolled reset = Enrolled.create(users);
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

    /**
     * The listing at scale: 100 000 seeded registrations. They are the tenant's for the length
     * of this test only (the classes that share the server run one after another), and removed
     * afterwards, so no other test meets them in a listing or a count.
     */
    @Test
    void listingOf100000RegistrationsAnswersFirstAndLastPage() throws Exception {
        // Ids of 20 letters and digits, a prefix of this test and a number.
        StringBuilder prefix = new StringBuilder("Seed");
        java.util.concurrent.ThreadLocalRandom.current().ints(4, 'a', 'z' + 1).forEach(prefix::appendCodePoint);
        try (Connection db = TestDatabase.connect(); Statement seed = db.createStatement()) {
            seed.execute("insert into identity (id, type, username, status, created_at)"
                    + " select '" + prefix + "' || lpad(n::text, 12, '0'), 'User', '" + prefix + "-' || n, 'active', now()"
                    + " from generate_series(1, 100000) n");
            seed.execute("insert into registration (identity_id, factor, status, secret_ciphertext, key_id, hash_function,"
                    + " digits, time_step, created_at, last_step, failures)"
                    + " select '" + prefix + "' || lpad(n::text, 12, '0'), 'TOTP', 'REGISTERED', 'AAAA', 'seeded', 'SHA1', 6, 30, now(), -1, 0"
                    + " from generate_series(1, 100000) n");
        }
        try {
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
            Api.Reply unknown = viewer.get("/api/mfa/admin/registrations/TOTP?status=UNKNOWN");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.errorCode()).isEqualTo("REQ-0001");
        } finally {
            try (Connection db = TestDatabase.connect(); Statement remove = db.createStatement()) {
                // The registrations go with their identities (on delete cascade).
                remove.execute("delete from identity where id like '" + prefix + "%'");
            }
        }
    }

    @Test
    void theListingsArePagedWithinTheirBounds() {
        // A row in each listing at least: a pending enrolment, and its audit lines.
        pendingUser();
        Api admin = users.admin();
        for (String listing : List.of("/api/mfa/admin/registrations/TOTP", "/api/audit")) {
            for (String bad : List.of("page=-1", "page=x", "size=0", "size=1001", "size=-1", "size=1.5")) {
                Api.Reply refused = admin.get(listing + "?" + bad);
                assertThat(refused.status()).as(listing + "?" + bad).isEqualTo(400);
                assertThat(refused.errorCode()).as(listing + "?" + bad).isEqualTo("REQ-0001");
            }
            Api.Reply defaults = admin.get(listing);
            assertThat(defaults.status()).as(defaults.toString()).isEqualTo(200);
            assertThat(defaults.json().getInt("page")).isZero();
            assertThat(defaults.json().getInt("size")).isEqualTo(100);
            Api.Reply largest = admin.get(listing + "?size=1000");
            assertThat(largest.status()).as(largest.toString()).isEqualTo(200);
            assertThat(largest.json().getInt("size")).isEqualTo(1000);
            Api.Reply smallest = admin.get(listing + "?page=1&size=1");
            assertThat(smallest.status()).as(smallest.toString()).isEqualTo(200);
            assertThat(smallest.json().getInt("page")).isEqualTo(1);
            assertThat(smallest.json().getJsonArray("data")).hasSizeLessThanOrEqualTo(1);
            long count = smallest.json().getJsonNumber("count").longValue();
            assertThat(count).as("%s holds this test's rows", listing).isPositive();
            Api.Reply beyond = admin.get(listing + "?size=1&page=" + (count + 10));
            assertThat(beyond.status()).as(beyond.toString()).isEqualTo(200);
            assertThat(beyond.json().getJsonArray("data")).isEmpty();
        }
    }

    @Test
    void theAuditWindowFromToFilters() {
        // Six lines of one user, one request each: made, token, enrolment started, three wrong codes.
        Users.Identity user = users.create();
        Api me = api.token(user.token());
        me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"000000\"}").status()).isIn(400);
        }
        List<JsonObject> all = auditOf(user.userId(), "");
        assertThat(all).hasSize(6);
        List<String> times = all.stream().map(line -> line.getString("time")).toList();
        assertThat(times).as("one instant per line, newest first").doesNotHaveDuplicates();
        // Newest first: times[5] is the oldest. From is inclusive, to exclusive (see openapi.yaml).
        assertThat(auditOf(user.userId(), "&from=" + times.get(4) + "&to=" + times.get(1)))
                .extracting(line -> line.getString("time")).containsExactly(times.get(2), times.get(3), times.get(4));
        assertThat(auditOf(user.userId(), "&from=" + times.get(2)))
                .extracting(line -> line.getString("time")).containsExactly(times.get(0), times.get(1), times.get(2));
        assertThat(auditOf(user.userId(), "&to=" + times.get(2)))
                .extracting(line -> line.getString("time")).containsExactly(times.get(3), times.get(4), times.get(5));
        assertThat(auditOf(user.userId(), "&from=" + times.get(0) + "&to=" + times.get(0))).isEmpty();
    }

    private List<JsonObject> auditOf(String userId, String window) {
        Api.Reply audit = users.admin().get("/api/audit?userId=" + userId + window.replace("+", "%2B"));
        assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
        List<JsonObject> lines = audit.json().getJsonArray("data").getValuesAs(JsonObject.class);
        assertThat(audit.json().getJsonNumber("count").longValue()).isEqualTo(lines.size());
        return lines;
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
