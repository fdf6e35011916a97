package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepup.it.guarded.PayoutsResource;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Step-up authentication, the completion cookie and @StepUpRequired, on PostgreSQL. */
@BlackBox
@RunAsClient
class StepUpIT {

    static final String COOKIE = "STEPUP_COMPLETION";

    @Deployment(testable = false)
    static WebArchive war() {
        // The built WAR plus the README's example resource, as an application would add it.
        return Deployments.war().addPackage(PayoutsResource.class.getPackage());
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

    @Test
    void successSetsTheCompletionCookieWithItsAttributes() {
        Enrolled user = Enrolled.create(users, api);
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
    void malformedCodesAndFactorsAreRefusedUncounted() throws SQLException {
        Enrolled user = Enrolled.create(users, api);
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
        try (Connection db = TestDatabase.connect();
             PreparedStatement failures = db.prepareStatement("select failures from registration where identity_id = ?")) {
            failures.setString(1, user.identity().userId());
            try (ResultSet row = failures.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt(1)).as("failures counted for malformed codes").isZero();
            }
        }
        assertThat(user.stepUp().json().getString("result")).isEqualTo("SUCCESS");
    }

    @Test
    void behindATrustedProxyOnlyWhenConfigured() {
        Enrolled user = Enrolled.create(users, api);
        Api.Reply reply = user.api().header("X-Forwarded-Proto", "https")
                .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}");
        assertThat(reply.header("Set-Cookie")).as("proxy headers are not trusted by default").doesNotContain("Secure");
    }

    @Test
    void maxAgeFollowsTheConfiguration() {
        Api admin = users.admin();
        Enrolled user = Enrolled.create(users, api);
        try {
            setCookieMaxAge(admin, 7);
            assertThat(user.stepUp().header("Set-Cookie")).contains("; Max-Age=7");
        } finally {
            setCookieMaxAge(admin, 5);
        }
    }

    @Test
    void withoutStepUpTheGuardedMethodIs403PE0028() {
        Enrolled user = Enrolled.create(users, api);
        for (String path : new String[] {"/api/payouts/recent", "/api/payouts/always", "/api/payouts/service"}) {
            Api.Reply refused = user.api().post(path, null);
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.errorCode()).isEqualTo("PE-0028");
            assertThat(refused.json().getString("message")).isEqualTo("Step up authentication required");
        }
        assertThat(api.post("/api/payouts/recent", null).status()).isEqualTo(401);
    }

    @Test
    void windowPassesUntilItExpires() throws Exception {
        Enrolled user = Enrolled.create(users, api);
        assertThat(user.stepUp().json().getString("result")).isEqualTo("SUCCESS");
        assertThat(user.api().post("/api/payouts/recent", null).status()).isEqualTo(200);
        assertThat(user.api().post("/api/payouts/recent", null).status()).as("the window is not used up").isEqualTo(200);

        Api.Reply status = user.api().get("/api/step-up/status");
        assertThat(status.json().getBoolean("registered")).isTrue();
        assertThat(status.json().getInt("validationWindow")).isEqualTo(30);
        Instant until = Instant.parse(status.json().getString("validUntil"));
        assertThat(until).isBetween(Instant.now().plusSeconds(29 * 60), Instant.now().plusSeconds(31 * 60));

        // Move the last step-up 31 minutes into the past: the 30-minute window has ended.
        try (Connection db = TestDatabase.connect();
             PreparedStatement age = db.prepareStatement(
                     "update registration set last_step_up_at = last_step_up_at - interval '31 minutes' where identity_id = ?")) {
            age.setString(1, user.identity().userId());
            assertThat(age.executeUpdate()).isEqualTo(1);
        }
        Api.Reply expired = user.api().post("/api/payouts/recent", null);
        assertThat(expired.status()).isEqualTo(403);
        assertThat(expired.errorCode()).isEqualTo("PE-0028");
        assertThat(user.api().get("/api/step-up/status").json().isNull("validUntil")).isTrue();
    }

    @Test
    void completionIsUsableOnceAndOnlyByItsUser() {
        Enrolled user = Enrolled.create(users, api);
        Enrolled other = Enrolled.create(users, api);
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
    }

    @Test
    void guardedCdiBeanConsumesTheCompletionOnce() {
        Enrolled user = Enrolled.create(users, api);
        String completion = value(user.stepUp().header("Set-Cookie"));
        Api withCookie = user.api().header("Cookie", COOKIE + "=" + completion);
        Api.Reply first = withCookie.post("/api/payouts/service", null);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().getString("done")).isEqualTo("service");
        assertThat(withCookie.post("/api/payouts/service", null).status()).isEqualTo(403);
    }

    @Test
    void aCompletionStaysUsedWhenTheGuardedMethodRollsBack() {
        Enrolled user = Enrolled.create(users, api);
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
        Enrolled user = Enrolled.create(users, api);
        String completion = value(user.stepUp().header("Set-Cookie"));
        // The window holds now, but the bean the method calls wants a completion.
        Api.Reply withoutCookie = user.api().post("/api/mixed", null);
        assertThat(withoutCookie.status()).as(withoutCookie.toString()).isEqualTo(403);
        assertThat(withoutCookie.errorCode()).isEqualTo("PE-0028");
        Api.Reply withCookie = user.api().header("Cookie", COOKIE + "=" + completion).post("/api/mixed", null);
        assertThat(withCookie.status()).as(withCookie.toString()).isEqualTo(200);
        assertThat(user.api().header("Cookie", COOKIE + "=" + completion).post("/api/mixed", null).status()).isEqualTo(403);
    }

    @Test
    void expiredCompletionIsRefused() {
        Api admin = users.admin();
        Enrolled user = Enrolled.create(users, api);
        try {
            setCookieMaxAge(admin, 1);
            Enrolled.sleep(600); // the configuration cache holds for half a second
            String cookie = user.stepUp().header("Set-Cookie");
            assertThat(cookie).contains("; Max-Age=1");
            Enrolled.sleep(1_500);
            Api.Reply expired = user.api().header("Cookie", COOKIE + "=" + value(cookie)).post("/api/payouts/always", null);
            assertThat(expired.status()).isEqualTo(403);
            assertThat(expired.errorCode()).isEqualTo("PE-0028");
        } finally {
            setCookieMaxAge(admin, 5);
        }
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
                + "error_description=\"Step up authentication required\", max_age=1800");
        Api.Reply always = bearer.post("/api/payouts/always", null);
        assertThat(always.header("WWW-Authenticate")).endsWith("max_age=0");

        Users.Identity tokenUser = users.create();
        assertThat(api.token(tokenUser.token()).post("/api/payouts/recent", null).header("WWW-Authenticate")).isNull();
    }

    private static void setCookieMaxAge(Api admin, int seconds) {
        Api.Reply reply = admin.post("/api/step-up/configuration", """
                {"validationWindow":30,"completedCookieMaxAge":%d,
                 "totpConfiguration":{"hashFunction":"SHA1","digits":6,"timeStep":30}}""".formatted(seconds));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    }

    private static String value(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }
}
