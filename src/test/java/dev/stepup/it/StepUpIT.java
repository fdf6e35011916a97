package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Step-up authentication, the completion cookie and @StepUpRequired, on PostgreSQL. */
@BlackBox
class StepUpIT {

    static final String COOKIE = "STEPUP_COMPLETION";

    Api api;
    Users users;

    @Test
    void successSetsTheCompletionCookieWithItsAttributes() {
        Enrolled user = Enrolled.create(users);
        Api.Reply reply = user.stepUp();
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().getString("result")).isEqualTo("SUCCESS");
        String cookie = reply.header("Set-Cookie");
        assertThat(cookie).startsWith(COOKIE + "=").contains("; Max-Age=5").contains("; Path=/")
                .contains("; HttpOnly").contains("; SameSite=Strict").doesNotContain("Secure");
        assertThat(value(cookie)).hasSizeGreaterThanOrEqualTo(22);

        Api.Reply failed = user.api().post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.totp().wrongCode() + "\"}");
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.json().getString("result")).isEqualTo("FAILED");
        assertThat(failed.header("Set-Cookie")).isNull();
    }

    @Test
    void malformedCodesAndFactorsAreRefusedUncounted() {
        Enrolled user = Enrolled.create(users);
        for (String otp : new String[] {"1234567", "12345", "12345x", ""}) {
            Api.Reply malformed = user.api().post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + otp + "\"}");
            assertThat(malformed.status()).as(otp).isEqualTo(400);
            assertThat(malformed.errorCode()).as(otp).isEqualTo("MFA-0004");
        }
        Api.Reply missing = user.api().post("/api/step-up/authenticate/TOTP", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("MFA-0004");
        Api.Reply factor = user.api().post("/api/step-up/authenticate/SMS", "{\"otp\":\"" + user.nextCode() + "\"}");
        assertThat(factor.status()).isEqualTo(400);
        assertThat(factor.errorCode()).isEqualTo("MFA-0001");
        assertThat(RegistrationRows.shared().failures(user.userId())).as("failures counted for malformed codes").isZero();
        assertThat(user.stepUp().json().getString("result")).isEqualTo("SUCCESS");
    }

    /**
     * On PostgreSQL a step-up's API token is read with its code, by the batch that checks the
     * code (CallerAuthentication leaves it pending): a replaced token, or one whose identity is
     * no longer active, is refused at once, before its code is checked (no failure counted, no
     * audit line), a body it cannot read included; the new token steps up.
     */
    @Test
    void aStepUpsTokenIsCheckedWithItsCodeAndRefusedAtOnceOnceReplacedOrItsUserDisabled() throws Exception {
        Enrolled user = Enrolled.create(users);
        String wrong = "{\"otp\":\"" + user.totp().wrongCode() + "\"}";
        Api.Reply replaced = users.admin().post("/api/users/" + user.userId() + "/tokens", null);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        Api old = api.token(user.identity().token());
        Api fresh = api.token(replaced.string("token"));

        old.post("/api/step-up/authenticate/TOTP", wrong).assertError(401, "AU-0000");
        old.post("/api/step-up/authenticate/TOTP", "not json").assertError(401, "AU-0000");
        old.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"12\"}").assertError(401, "AU-0000");
        assertThat(RegistrationRows.shared().failures(user.userId())).as("failures counted for a refused token").isZero();
        assertThat(AuditLines.of(users, user.userId(), "STEP_UP")).as("audited for a refused token").isEmpty();

        assertThat(fresh.post("/api/step-up/authenticate/TOTP", wrong).json().getString("result")).isEqualTo("FAILED");
        fresh.post("/api/step-up/authenticate/TOTP", "not json").assertError(400, "REQ-0001");
        try (Connection db = TestDatabase.connect(); PreparedStatement disable = db.prepareStatement(
                "update identity set status = 'disabled' where id = ?")) {
            disable.setString(1, user.userId());
            assertThat(disable.executeUpdate()).isEqualTo(1);
        }
        fresh.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}").assertError(401, "AU-0000");
        assertThat(RegistrationRows.shared().failures(user.userId())).isEqualTo(1);
        assertThat(AuditLines.of(users, user.userId(), "STEP_UP")).containsExactly("STEP_UP FAILED");
    }

    @Test
    void behindATrustedProxyOnlyWhenConfigured() {
        Enrolled user = Enrolled.create(users);
        Api.Reply reply = user.api().header("X-Forwarded-Proto", "https")
                .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}");
        assertThat(reply.header("Set-Cookie")).as("proxy headers are not trusted by default").doesNotContain("Secure");
    }

    @Test
    void maxAgeFollowsTheConfiguration() {
        Enrolled user = Enrolled.create(users);
        TenantConfiguration.cookieMaxAge(users.admin(), 7).during(() ->
                assertThat(user.stepUp().header("Set-Cookie")).contains("; Max-Age=7"));
    }

    @Test
    void withoutStepUpTheGuardedMethodIs403PE0028() {
        Enrolled user = Enrolled.create(users);
        for (String path : new String[] {"/api/payouts/recent", "/api/payouts/always", "/api/payouts/service"}) {
            Api.Reply refused = user.api().post(path, null);
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.errorCode()).isEqualTo("PE-0028");
            assertThat(refused.json().getString("message")).isEqualTo("Step up authentication required");
        }
        Api.Reply anonymous = api.post("/api/payouts/recent", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.errorCode()).isEqualTo("AU-0000");
    }

    @Test
    void windowPassesUntilItExpires() {
        Enrolled user = Enrolled.create(users);
        assertThat(user.stepUp().json().getString("result")).isEqualTo("SUCCESS");
        assertThat(user.api().post("/api/payouts/recent", null).status()).isEqualTo(200);
        assertThat(user.api().post("/api/payouts/recent", null).status()).as("the window is not used up").isEqualTo(200);

        Api.Reply status = user.api().get("/api/step-up/status");
        assertThat(status.json().getBoolean("registered")).isTrue();
        assertThat(status.json().getInt("validationWindow")).isEqualTo(30);
        Instant until = Instant.parse(status.json().getString("validUntil"));
        assertThat(until).isBetween(Instant.now().plusSeconds(29 * 60), Instant.now().plusSeconds(31 * 60));

        // Move the last step-up 31 minutes into the past: the 30-minute window has ended.
        CredentialRows.ageTokenStepUp(user.userId(), 31);
        Api.Reply expired = user.api().post("/api/payouts/recent", null);
        assertThat(expired.status()).isEqualTo(403);
        assertThat(expired.errorCode()).isEqualTo("PE-0028");
        assertThat(user.api().get("/api/step-up/status").json().isNull("validUntil")).isTrue();
    }

    @Test
    void completionIsUsableOnceAndOnlyByItsUser() {
        Enrolled user = Enrolled.create(users);
        Enrolled other = Enrolled.create(users);
        String completion = value(user.stepUp().header("Set-Cookie"));

        Api.Reply stolen = other.api().header("Cookie", COOKIE + "=" + completion).post("/api/payouts/always", null);
        assertThat(stolen.status()).as("another user's cookie").isEqualTo(403);
        assertThat(stolen.errorCode()).isEqualTo("PE-0028");

        Api.Reply first = user.api().header("Cookie", COOKIE + "=" + completion).post("/api/payouts/always", null);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().getString("done")).isEqualTo("always");

        Api.Reply second = user.api().header("Cookie", COOKIE + "=" + completion).post("/api/payouts/always", null);
        assertThat(second.status()).as("second use").isEqualTo(403);
        assertThat(second.errorCode()).isEqualTo("PE-0028");

        Api.Reply forged = user.api().header("Cookie", COOKIE + "=forged-value-0123456789abcdef").post("/api/payouts/always", null);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.errorCode()).isEqualTo("PE-0028");
    }

    @Test
    void aCompletionSentByRequestsAtOnceLetsExactlyOneThrough() throws Exception {
        Enrolled user = Enrolled.create(users);
        for (int round = 1; round <= 5; round++) {
            Api withCookie = user.api().header("Cookie", COOKIE + "=" + value(user.stepUp().header("Set-Cookie")));
            List<Api.Reply> replies = AtOnce.all(Collections.nCopies(2, () -> withCookie.post("/api/payouts/always", null)));
            assertThat(replies).as("round %d: %s", round, replies).filteredOn(reply -> reply.status() == 200).hasSize(1);
            assertThat(replies).as("round %d: %s", round, replies).filteredOn(reply -> reply.status() == 403)
                    .singleElement().satisfies(refused -> assertThat(refused.errorCode()).isEqualTo("PE-0028"));
        }
    }

    @Test
    void guardedCdiBeanConsumesTheCompletionOnce() {
        Enrolled user = Enrolled.create(users);
        String completion = value(user.stepUp().header("Set-Cookie"));
        Api withCookie = user.api().header("Cookie", COOKIE + "=" + completion);
        Api.Reply first = withCookie.post("/api/payouts/service", null);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().getString("done")).isEqualTo("service");
        Api.Reply again = withCookie.post("/api/payouts/service", null);
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.errorCode()).isEqualTo("PE-0028");
    }

    @Test
    void aCompletionStaysUsedWhenTheGuardedMethodRollsBack() {
        Enrolled user = Enrolled.create(users);
        Api withCookie = user.api().header("Cookie", COOKIE + "=" + value(user.stepUp().header("Set-Cookie")));
        Api.Reply refused = withCookie.post("/api/payouts/refused", null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo("PAY-0409");
        Api.Reply again = withCookie.post("/api/payouts/refused", null);
        assertThat(again.status()).as("the same completion again").isEqualTo(403);
        assertThat(again.errorCode()).isEqualTo("PE-0028");
    }

    @Test
    void theWindowDoesNotStandInForACompletion() {
        Enrolled user = Enrolled.create(users);
        String completion = value(user.stepUp().header("Set-Cookie"));
        // The window holds now, but the bean the method calls wants a completion.
        Api.Reply withoutCookie = user.api().post("/api/mixed", null);
        assertThat(withoutCookie.status()).as(withoutCookie.toString()).isEqualTo(403);
        assertThat(withoutCookie.errorCode()).isEqualTo("PE-0028");
        Api.Reply withCookie = user.api().header("Cookie", COOKIE + "=" + completion).post("/api/mixed", null);
        assertThat(withCookie.status()).as(withCookie.toString()).isEqualTo(200);
        Api.Reply again = user.api().header("Cookie", COOKIE + "=" + completion).post("/api/mixed", null);
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.errorCode()).isEqualTo("PE-0028");
    }

    @Test
    void expiredCompletionIsRefused() {
        Enrolled user = Enrolled.create(users);
        TenantConfiguration.cookieMaxAge(users.admin(), 1).during(() -> {
            // The instance that made the change serves it at once.
            String cookie = user.stepUp().header("Set-Cookie");
            Instant answered = Instant.now();
            assertThat(cookie).contains("; Max-Age=1");
            // The completion expires a second after the server made it, before it answered.
            Waits.past(answered.plusSeconds(1));
            Api.Reply expired = user.api().header("Cookie", COOKIE + "=" + value(cookie)).post("/api/payouts/always", null);
            assertThat(expired.status()).isEqualTo(403);
            assertThat(expired.errorCode()).isEqualTo("PE-0028");
        });
    }

    @Test
    void statusOfAnUnregisteredUser() {
        Users.Identity user = users.create();
        Api.Reply status = api.token(user.token()).get("/api/step-up/status");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().getBoolean("registered")).isFalse();
        assertThat(status.json().isNull("validUntil")).isTrue();
        Api.Reply stepUp = api.token(user.token()).post("/api/step-up/authenticate/TOTP", "{\"otp\":\"123456\"}");
        assertThat(stepUp.status()).isEqualTo(409);
        assertThat(stepUp.errorCode()).isEqualTo("MFA-0003");
        Api.Reply malformed = api.token(user.token()).post("/api/step-up/authenticate/TOTP", "{\"otp\":\"12345x\"}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("MFA-0004");
    }

    @Test
    void bearerCallersGetTheRfc9470Challenge() {
        Api bearer = api.header("Authorization",
                "Bearer " + Jwts.signed(Jwts.claims("idp-user-" + System.nanoTime() + "@example.com").build()));
        Api.Reply refused = bearer.post("/api/payouts/recent", null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("PE-0028");
        assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer error=\"insufficient_user_authentication\", "
                + "error_description=\"Step up authentication required\", acr_values=\"urn:example:mfa phr\", max_age=1800");
        Api.Reply always = bearer.post("/api/payouts/always", null);
        // A completion is needed: the identity provider's acr does not stand in for it, so none is named.
        assertThat(always.header("WWW-Authenticate")).doesNotContain("acr_values").endsWith("max_age=0");

        Users.Identity tokenUser = users.create();
        assertThat(api.token(tokenUser.token()).post("/api/payouts/recent", null).header("WWW-Authenticate")).isNull();
    }

    private static String value(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }
}
