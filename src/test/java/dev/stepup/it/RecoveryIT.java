package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Recovery codes: made with the first confirmation, shown once, each usable once (also at
 * once on one server), counted by the code throttle, stored only as keyed hashes; step-up and
 * the verifier endpoint with {@code RECOVERY_CODE}, and {@code POST /api/mfa/recover}.
 */
@BlackBox
class RecoveryIT {

    static final String CODE = "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}";

    Api api;
    Users users;

    @Test
    void theFirstConfirmationAnswersTenCodesStoredOnlyAsKeyedHashes() throws Exception {
        Users.Identity user = users.create();
        Api me = api.token(user.token());
        TestTotp totp = TestTotp.fromUri(me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").json()
                .getJsonObject("additionalDetails").getString("uri"));
        Api.Reply confirmed = me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + totp.now() + "\"}");
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        assertThat(confirmed.header("Cache-Control")).contains("no-store");
        assertThat(confirmed.json().getString("status")).isEqualTo("REGISTERED");
        List<String> codes = codes(confirmed);
        assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(code -> code.matches(CODE));
        assertThat(me.get("/api/mfa/recovery-codes").json().getInt("remaining")).isEqualTo(10);

        try (var db = TestDatabase.connect();
             var select = db.prepareStatement("select code_hash, key_id from recovery_code where identity_id = ?")) {
            select.setString(1, user.userId());
            try (var rows = select.executeQuery()) {
                int n = 0;
                while (rows.next()) {
                    n++;
                    String hash = rows.getString(1);
                    assertThat(hash).matches("[0-9a-f]{64}");
                    for (String code : codes) {
                        String plain = code.replace("-", "");
                        assertThat(hash).isNotEqualTo(TestDatabase.sha256(plain)).doesNotContain(plain);
                    }
                    assertThat(rows.getString(2)).isNotBlank();
                }
                assertThat(n).isEqualTo(10);
            }
        }
        // Shown once: the status answers no codes, and a second VERIFY has nothing pending.
        assertThat(me.get("/api/mfa/register/TOTP").json().containsKey("recoveryCodes")).isFalse();
        assertThat(ServerLogs.read()).doesNotContain(codes.get(0)).doesNotContain(codes.get(0).replace("-", ""));
    }

    @Test
    void aRecoveryCodeStepsUpOnceInAnySpellingAndCountsWithTheCodeThrottle() {
        Recovering user = Recovering.enrol(users);
        String code = user.codes().get(0);
        String typed = " " + code.toLowerCase(Locale.ROOT).replace('0', 'o').replace('1', 'l') + " ";
        Api.Reply stepUp = user.api().post("/api/step-up/authenticate/RECOVERY_CODE", "{\"otp\":\"" + typed + "\"}");
        assertThat(stepUp.status()).as(stepUp.toString()).isEqualTo(200);
        assertThat(stepUp.json().getString("result")).isEqualTo("SUCCESS");
        assertThat(stepUp.header("Set-Cookie")).startsWith("STEPUP_COMPLETION=");
        assertThat(user.api().get("/api/mfa/recovery-codes").json().getInt("remaining")).isEqualTo(9);

        Api.Reply again = user.api().post("/api/step-up/authenticate/RECOVERY_CODE", "{\"otp\":\"" + code + "\"}");
        assertThat(again.json().getString("result")).as("a used code").isEqualTo("FAILED");
        for (String malformed : new String[] {"", "7H4Q-9XKM", "7H4Q-9XKM-2RX", "UUUU-UUUU-UU", "123456"}) {
            user.api().post("/api/step-up/authenticate/RECOVERY_CODE", "{\"otp\":\"" + malformed + "\"}")
                    .assertError(400, "MFA-0004");
        }
        assertThat(RegistrationRows.shared().failures(user.userId())).as("malformed codes are not counted").isEqualTo(1);
        // Wrong recovery codes and wrong TOTP codes count together.
        user.api().post("/api/step-up/authenticate/RECOVERY_CODE", "{\"otp\":\"0000-0000-00\"}");
        assertThat(user.enrolled().stepUpResult(user.enrolled().totp().wrongCode())).isEqualTo("FAILED");
        user.api().post("/api/step-up/authenticate/RECOVERY_CODE", "{\"otp\":\"0000-0000-01\"}");
        user.api().post("/api/step-up/authenticate/RECOVERY_CODE", "{\"otp\":\"0000-0000-02\"}");
        user.api().post("/api/step-up/authenticate/RECOVERY_CODE", "{\"otp\":\"" + user.codes().get(1) + "\"}")
                .assertError(429, "MFA-0005");
        assertThat(AuditLines.of(users, user.userId(), "STEP_UP")).containsExactly("STEP_UP SUCCESS", "STEP_UP FAILED",
                "STEP_UP FAILED", "STEP_UP FAILED", "STEP_UP FAILED", "STEP_UP FAILED", "STEP_UP THROTTLED");
    }

    @Test
    void oneRecoveryCodeUsedTwiceAtOnceSucceedsOnce() throws Exception {
        Recovering user = Recovering.enrol(users);
        String code = user.codes().get(3);
        List<Api.Reply> replies = AtOnce.all(java.util.Collections.nCopies(8, () ->
                user.api().post("/api/step-up/authenticate/RECOVERY_CODE", "{\"otp\":\"" + code + "\"}")));
        assertThat(replies).filteredOn(reply -> reply.status() == 200 && "SUCCESS".equals(reply.json().getString("result")))
                .hasSize(1);
        assertThat(replies).allSatisfy(reply -> assertThat(reply.status()).as(reply.toString()).isIn(200, 429));
        assertThat(user.api().get("/api/mfa/recovery-codes").json().getInt("remaining")).isEqualTo(9);
    }

    @Test
    void theVerifierEndpointTakesRecoveryCodesToo() {
        Recovering user = Recovering.enrol(users);
        Api verifier = api.token(users.service("StepUpVerifier"));
        Api.Reply success = verifier.post("/api/step-up/verify/RECOVERY_CODE",
                "{\"userId\":\"" + user.userId() + "\",\"otp\":\"" + user.codes().get(2) + "\"}");
        assertThat(success.json().getString("result")).as(success.toString()).isEqualTo("SUCCESS");
        Api.Reply reused = verifier.post("/api/step-up/verify/RECOVERY_CODE",
                "{\"userId\":\"" + user.userId() + "\",\"otp\":\"" + user.codes().get(2) + "\"}");
        assertThat(reused.json().getString("result")).isEqualTo("FAILED");
        // A completion earned with a recovery code says so.
        String completion = ApplicationsIT.completionOf(user.api().post("/api/step-up/authenticate/RECOVERY_CODE",
                "{\"otp\":\"" + user.codes().get(4) + "\"}"));
        Api.Reply consumed = verifier.post(ApplicationsIT.CONSUME, ApplicationsIT.consume(completion, "userId", user.userId()));
        assertThat(consumed.json().getString("factor")).isEqualTo("RECOVERY_CODE");
    }

    @Test
    void recoverResetsTheLostRegistrationSoTheUserEnrolsAgain() {
        Recovering user = Recovering.enrol(users);
        user.api().post("/api/mfa/recover", "{\"recoveryCode\":\"0000-0000-00\"}").assertError(403, "MFA-0006");
        user.api().post("/api/mfa/recover", "{\"recoveryCode\":\"not a code\"}").assertError(400, "MFA-0004");
        user.api().post("/api/mfa/recover", "{}").assertError(400, "MFA-0004");
        Api.Reply recovered = user.api().post("/api/mfa/recover", "{\"recoveryCode\":\"" + user.codes().get(5) + "\"}");
        assertThat(recovered.status()).as(recovered.toString()).isEqualTo(200);
        assertThat(recovered.json().getString("status")).isEqualTo("UNREGISTERED");
        assertThat(recovered.json().getString("factor")).isEqualTo("TOTP");
        assertThat(user.api().get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("UNREGISTERED");
        assertThat(user.api().get("/api/mfa/recovery-codes").json().getInt("remaining")).as("the other codes went too").isZero();
        user.api().post("/api/mfa/recover", "{\"recoveryCode\":\"" + user.codes().get(6) + "\"}").assertError(409, "MFA-0003");
        // A new enrolment, with ten new codes.
        Enrolled again = Enrolled.of(users, user.enrolled().identity());
        assertThat(again.api().get("/api/mfa/recovery-codes").json().getInt("remaining")).isEqualTo(10);
        assertThat(AuditLines.of(users, user.userId(), "RECOVERY")).containsExactly("RECOVERY FAILED", "RECOVERY SUCCESS");
    }

    @Test
    void newCodesNeedAFreshStepUpAndReplaceTheOldOnes() {
        Recovering user = Recovering.enrol(users);
        user.api().post("/api/mfa/recovery-codes", null).assertError(403, "PE-0028");
        String completion = ApplicationsIT.completionOf(user.enrolled().stepUp());
        Api.Reply replaced = user.api().header("Cookie", "STEPUP_COMPLETION=" + completion).post("/api/mfa/recovery-codes", null);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        List<String> fresh = codes(replaced);
        assertThat(fresh).hasSize(10).doesNotContainAnyElementsOf(user.codes());
        assertThat(user.api().post("/api/mfa/recover", "{\"recoveryCode\":\"" + user.codes().get(0) + "\"}").status())
                .as("an old code").isEqualTo(403);
        user.api().header("Cookie", "STEPUP_COMPLETION=" + completion).post("/api/mfa/recovery-codes", null)
                .assertError(403, "PE-0028");
        Users.Identity unregistered = users.create();
        assertThat(api.token(unregistered.token()).get("/api/mfa/recovery-codes").json().getInt("remaining")).isZero();
    }

    @Test
    void anAdminResetRemovesTheCodes() {
        Recovering user = Recovering.enrol(users);
        assertThat(users.admin().delete("/api/mfa/admin/registrations/TOTP/users/" + user.userId()).status()).isEqualTo(204);
        assertThat(user.api().get("/api/mfa/recovery-codes").json().getInt("remaining")).isZero();
        Enrolled.of(users, user.enrolled().identity());
        assertThat(user.api().post("/api/step-up/authenticate/RECOVERY_CODE", "{\"otp\":\"" + user.codes().get(0) + "\"}")
                .json().getString("result")).isEqualTo("FAILED");
    }

    static List<String> codes(Api.Reply reply) {
        return reply.json().getJsonArray("recoveryCodes").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
    }

    /** An enrolled user and the recovery codes its confirmation answered. */
    record Recovering(Enrolled enrolled, List<String> codes) {

        static Recovering enrol(Users users) {
            return enrol(users, users.create());
        }

        static Recovering enrol(Users users, Users.Identity identity) {
            Api me = users.anonymous().token(identity.token());
            JsonObject challenge = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").json();
            TestTotp totp = TestTotp.fromUri(challenge.getJsonObject("additionalDetails").getString("uri"));
            long step = totp.currentStep();
            Api.Reply confirmed = me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + totp.code(step) + "\"}");
            assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
            return new Recovering(Enrolled.confirmed(users, identity, me, totp,
                    challenge.getJsonObject("additionalDetails").getString("key"), step), RecoveryIT.codes(confirmed));
        }

        String userId() {
            return enrolled.userId();
        }

        Api api() {
            return enrolled.api();
        }
    }
}
