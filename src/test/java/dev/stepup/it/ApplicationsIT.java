package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Step-up for the applications beside StepUp: the {@code StepUpVerifier} role, the two
 * verifier endpoints ({@code completions/consume}, way 1, and {@code verify/{factor}}, way 2),
 * and step-ups bound to the credential that earned them (API token, browser session, Bearer
 * JWT with or without {@code sid}, and a JWT whose {@code acr} proves a step-up already).
 */
@BlackBox
class ApplicationsIT {

    static final String CONSUME = "/api/step-up/completions/consume";
    static final String VERIFY = "/api/step-up/verify/TOTP";

    Api api;
    Users users;

    // ------------------------------------------------------------ way 1: consume

    @Test
    void aCompletionIsConsumedOnceForItsUserWithWhenAndUntilWhen() {
        Api verifier = verifier();
        Enrolled user = Enrolled.create(users);
        String completion = completionOf(user.stepUp());

        Api.Reply consumed = verifier.post(CONSUME, consume(completion, "username", user.identity().username()));
        assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
        JsonObject body = consumed.json();
        assertThat(body.getString("userId")).isEqualTo(user.userId());
        assertThat(body.getString("username")).isEqualTo(user.identity().username());
        assertThat(body.getString("factor")).isEqualTo("TOTP");
        Instant verifiedAt = Instant.parse(body.getString("verifiedAt"));
        assertThat(verifiedAt).isBetween(Instant.now().minusSeconds(30), Instant.now().plusSeconds(1));
        assertThat(Instant.parse(body.getString("validUntil"))).isEqualTo(verifiedAt.plus(Duration.ofMinutes(30)));

        verifier.post(CONSUME, consume(completion, "username", user.identity().username())).assertError(403, "PE-0028");
        verifier.post(CONSUME, consume(completion, "userId", user.userId())).assertError(403, "PE-0028");
    }

    @Test
    void aCompletionCountsForItsUserOnlyAndNeedsAKnownUser() {
        Api verifier = verifier();
        Enrolled user = Enrolled.create(users);
        Enrolled other = Enrolled.create(users);
        String completion = completionOf(user.stepUp());

        verifier.post(CONSUME, consume(completion, "userId", other.userId())).assertError(403, "PE-0028");
        verifier.post(CONSUME, consume(completion, "username", "nobody-" + UUID.randomUUID())).assertError(403, "PE-0028");
        verifier.post(CONSUME, consume(completion, "userId", "AAAAAAAAAAAAAAAAAAAA")).assertError(403, "PE-0028");
        // Still unused: the refusals above did not consume it.
        assertThat(verifier.post(CONSUME, consume(completion, "userId", user.userId())).status()).isEqualTo(200);
    }

    @Test
    void malformedOrExpiredCompletionsAndMalformedRequestsAreRefused() {
        Api verifier = verifier();
        Enrolled user = Enrolled.create(users);
        String good = completionOf(user.stepUp());
        for (String bad : new String[] {"", "x", "forged-value-0123456789abcdef", good + "A", good.substring(1),
                good.substring(0, good.length() - 2) + (good.endsWith("AA") ? "BB" : "AA"), "%%%", "ä".repeat(80)}) {
            verifier.post(CONSUME, consume(bad, "userId", user.userId())).assertError(403, "PE-0028");
        }
        verifier.post(CONSUME, "{\"userId\":\"" + user.userId() + "\"}").assertError(400, "REQ-0001");
        verifier.post(CONSUME, "{\"completionId\":\"" + good + "\"}").assertError(400, "REQ-0001");
        verifier.post(CONSUME, "{\"completionId\":\"" + good + "\",\"userId\":\"" + user.userId() + "\",\"username\":\""
                + user.identity().username() + "\"}").assertError(400, "REQ-0001");
        verifier.post(CONSUME, "{\"completionId\":5,\"userId\":\"" + user.userId() + "\"}").assertError(400, "REQ-0001");
        verifier.post(CONSUME, consume(good, "userId", "short")).assertError(400, "U-0002");
        verifier.post(CONSUME, "not json").assertError(400, "REQ-0001");
        // None of that used the good one up.
        assertThat(verifier.post(CONSUME, consume(good, "userId", user.userId())).status()).isEqualTo(200);

        TenantConfiguration.cookieMaxAge(users.admin(), 1).during(() -> {
            Api.Reply stepUp = user.stepUp();
            assertThat(stepUp.header("Set-Cookie")).contains("; Max-Age=1");
            String shortLived = completionOf(stepUp);
            Waits.past(Instant.now().plusSeconds(2));
            verifier.post(CONSUME, consume(shortLived, "userId", user.userId())).assertError(403, "PE-0028");
        });
    }

    @Test
    void oneCompletionSentTwiceAtOnceIsConsumedOnce() throws Exception {
        Api verifier = verifier();
        Enrolled user = Enrolled.create(users);
        String completion = completionOf(user.stepUp());
        List<Api.Reply> replies = AtOnce.all(java.util.Collections.nCopies(8,
                () -> verifier.post(CONSUME, consume(completion, "userId", user.userId()))));
        assertThat(replies).filteredOn(reply -> reply.status() == 200).hasSize(1);
        assertThat(replies).filteredOn(reply -> reply.status() == 403 && "PE-0028".equals(reply.errorCode())).hasSize(7);
    }

    // ------------------------------------------------------------ way 2: verify

    @Test
    void verifyChecksTheUsersCodeForTheApplicationWithoutACookie() {
        Api verifier = verifier();
        String verifierId = verifier.get("/api/me").status() == 403 ? null : "unexpected";
        assertThat(verifierId).isNull();
        Enrolled user = Enrolled.create(users);
        String code = user.nextCode();

        Api.Reply success = verifier.post(VERIFY, verify("username", user.identity().username(), code));
        assertThat(success.status()).as(success.toString()).isEqualTo(200);
        assertThat(success.json().getString("result")).isEqualTo("SUCCESS");
        assertThat(success.json().getString("userId")).isEqualTo(user.userId());
        assertThat(Instant.parse(success.json().getString("validUntil")))
                .isBetween(Instant.now().plusSeconds(29 * 60), Instant.now().plusSeconds(31 * 60));
        assertThat(success.header("Set-Cookie")).as("no completion cookie on way 2").isNull();

        Api.Reply replayed = verifier.post(VERIFY, verify("userId", user.userId(), code));
        assertThat(replayed.status()).isEqualTo(200);
        assertThat(replayed.json().getString("result")).isEqualTo("FAILED");
        assertThat(replayed.json().containsKey("validUntil")).isFalse();
        Api.Reply wrong = verifier.post(VERIFY, verify("userId", user.userId(), user.totp().wrongCode()));
        assertThat(wrong.json().getString("result")).isEqualTo("FAILED");
        assertThat(wrong.json().getString("userId")).isEqualTo(user.userId());

        // The user's own credentials got no window from the application's step-up.
        assertThat(user.api().get("/api/step-up/status").json().isNull("validUntil")).isTrue();
        // The audit names the verifier as the actor and the user as the target.
        Api.Reply audit = users.admin().get("/api/audit?type=STEP_UP&userId=" + user.userId());
        List<JsonObject> lines = audit.json().getJsonArray("data").getValuesAs(JsonObject.class);
        assertThat(lines).extracting(line -> line.getString("outcome")).containsExactly("FAILED", "REPLAYED", "SUCCESS");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.getString("targetId")).isEqualTo(user.userId());
            assertThat(line.getString("actorId")).isNotEqualTo(user.userId());
        });
    }

    @Test
    void verifyRefusesWhatAUsersOwnStepUpRefuses() {
        Api verifier = verifier();
        Enrolled user = Enrolled.create(users);
        verifier.post(VERIFY, verify("userId", user.userId(), "12345")).assertError(400, "MFA-0004");
        verifier.post(VERIFY, verify("userId", user.userId(), "12345x")).assertError(400, "MFA-0004");
        verifier.post(VERIFY, "{\"userId\":\"" + user.userId() + "\"}").assertError(400, "MFA-0004");
        verifier.post(VERIFY, verify("userId", "short", "123456")).assertError(400, "U-0002");
        verifier.post(VERIFY, verify("username", "nobody-" + UUID.randomUUID(), "123456")).assertError(404, "U-0001");
        verifier.post(VERIFY, "{\"otp\":\"123456\"}").assertError(400, "REQ-0001");
        verifier.post("/api/step-up/verify/SMS", verify("userId", user.userId(), "123456")).assertError(400, "MFA-0001");
        Users.Identity unregistered = users.create();
        verifier.post(VERIFY, verify("userId", unregistered.userId(), "123456")).assertError(409, "MFA-0003");

        // The same throttle as the user's own step-up: five failures, then a wait, a right code too.
        String wrong = user.totp().wrongCode();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(verifier.post(VERIFY, verify("userId", user.userId(), wrong)).json().getString("result")).isEqualTo("FAILED");
        }
        assertThat(user.stepUpResult(wrong)).isEqualTo("FAILED");
        assertThat(verifier.post(VERIFY, verify("userId", user.userId(), wrong)).json().getString("result")).isEqualTo("FAILED");
        Api.Reply throttled = verifier.post(VERIFY, verify("userId", user.userId(), user.nextCode()));
        throttled.assertError(429, "MFA-0005");
        assertThat(throttled.header("Retry-After")).isNotNull();
    }

    // ------------------------------------------------------------ the role

    @Test
    void aVerifierCallsTheTwoEndpointsAndNothingElse() {
        Api verifier = verifier();
        for (String path : new String[] {"/api/me", "/api/step-up/status", "/api/mfa/register/TOTP", "/api/users",
                "/api/step-up/configuration", "/api/mfa/recovery-codes"}) {
            verifier.get(path).assertError(403, "AU-0403");
        }
        verifier.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").assertError(403, "AU-0403");
        verifier.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"123456\"}").assertError(403, "AU-0403");
        verifier.post("/api/me/tokens", "{}").assertError(403, "AU-0403");

        // And no other role may call the two.
        Enrolled user = Enrolled.create(users);
        String completion = completionOf(user.stepUp());
        for (Api other : new Api[] {users.admin(), user.api(), api.token(users.service("IdentityManager"))}) {
            other.post(CONSUME, consume(completion, "userId", user.userId())).assertError(403, "AU-0403");
            other.post(VERIFY, verify("userId", user.userId(), "123456")).assertError(403, "AU-0403");
        }
        api.post(CONSUME, consume(completion, "userId", user.userId())).assertError(401, "AU-0000");
    }

    @Test
    void stepUpVerifierIsForAServiceIdentityAloneAndNotForJwtGroups() {
        Api admin = users.admin();
        admin.post("/api/users", """
                {"type":"User","username":"u-%s","status":"active","adminRoles":[{"name":"StepUpVerifier"}]}"""
                .formatted(UUID.randomUUID())).assertError(400, "REQ-0001");
        admin.post("/api/users", """
                {"type":"ServiceIdentity","name":"s-%s","status":"active",
                 "adminRoles":[{"name":"StepUpVerifier"},{"name":"IdentityViewer"}]}""".formatted(UUID.randomUUID()))
                .assertError(400, "REQ-0001");

        Api bearer = api.header("Authorization", "Bearer " + Jwts.signed(
                Jwts.claims("jwt-verifier-" + UUID.randomUUID() + "@example.com", "StepUpVerifier").build()));
        bearer.post(CONSUME, consume("x", "userId", "AAAAAAAAAAAAAAAAAAAA")).assertError(403, "AU-0403");
        Api.Reply me = bearer.get("/api/me");
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().getJsonArray("roles")).isEmpty();
    }

    // ------------------------------------------------------------ the binding to the credential

    @Test
    void aStepUpWithTheApiTokenOpensNoWindowForTheSessionNorTheOtherWayRound() {
        String password = "binding password " + UUID.randomUUID();
        Enrolled user = Enrolled.of(users, users.createWithPassword(password));
        Api session = Sessions.signIn(api, user.identity().username(), password);

        assertThat(user.stepUp().json().getString("result")).isEqualTo("SUCCESS");
        assertThat(user.api().get("/api/step-up/status").json().isNull("validUntil")).isFalse();
        assertThat(user.api().post("/api/payouts/recent", null).status()).isEqualTo(200);
        assertThat(session.get("/api/step-up/status").json().isNull("validUntil")).as("the session's window").isTrue();
        session.post("/api/payouts/recent", null).assertError(403, "PE-0028");

        // The session steps up: now its window is open, and its completion is its own.
        Api.Reply bySession = session.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}");
        assertThat(bySession.json().getString("result")).as(bySession.toString()).isEqualTo("SUCCESS");
        assertThat(session.post("/api/payouts/recent", null).status()).isEqualTo(200);
        String sessionCompletion = completionOf(bySession);
        user.api().header("Cookie", "STEPUP_COMPLETION=" + sessionCompletion).post("/api/payouts/always", null)
                .assertError(403, "PE-0028");
        Api.Reply ownUse = session.header("Cookie", session.headerValue("Cookie") + "; STEPUP_COMPLETION=" + sessionCompletion)
                .post("/api/payouts/always", null);
        assertThat(ownUse.status()).as(ownUse.toString()).isEqualTo(200);
        // An application consuming it checks it against the user only.
        String another = completionOf(session.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}"));
        assertThat(verifier().post(CONSUME, consume(another, "userId", user.userId())).status()).isEqualTo(200);
    }

    @Test
    void aBearerStepUpCountsForItsSidOrWithoutOneForItsSubject() {
        String upn = "jwt-binding-" + UUID.randomUUID() + "@example.com";
        Api first = bearer(Jwts.claims(upn).claim("sid", "session-one"));
        Enrolled user = enrolWith(first);
        Api sameSid = bearer(Jwts.claims(upn).claim("sid", "session-one").jwtID(UUID.randomUUID().toString()));
        Api otherSid = bearer(Jwts.claims(upn).claim("sid", "session-two"));
        Api noSid = bearer(Jwts.claims(upn));
        Api noSidAgain = bearer(Jwts.claims(upn).jwtID(UUID.randomUUID().toString()));

        assertThat(first.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}").json()
                .getString("result")).isEqualTo("SUCCESS");
        assertThat(sameSid.post("/api/payouts/recent", null).status()).as("another token of the same sid").isEqualTo(200);
        otherSid.post("/api/payouts/recent", null).assertError(403, "PE-0028");
        noSid.post("/api/payouts/recent", null).assertError(403, "PE-0028");

        assertThat(noSid.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}").json()
                .getString("result")).isEqualTo("SUCCESS");
        assertThat(noSidAgain.post("/api/payouts/recent", null).status()).as("another token of the subject").isEqualTo(200);
        otherSid.post("/api/payouts/recent", null).assertError(403, "PE-0028");
    }

    @Test
    void aJwtWhoseAcrProvesAStepUpOpensTheWindowUntilItsAuthTimeIsTooOld() {
        String upn = "jwt-acr-" + UUID.randomUUID() + "@example.com";
        Date now = new Date();
        Api fresh = bearer(Jwts.claims(upn).claim("acr", "urn:example:mfa").claim("auth_time", now.getTime() / 1000));
        assertThat(fresh.post("/api/payouts/recent", null).status()).isEqualTo(200);
        Api.Reply status = fresh.get("/api/step-up/status");
        assertThat(Instant.parse(status.json().getString("validUntil")))
                .isBetween(now.toInstant().plusSeconds(29 * 60), now.toInstant().plusSeconds(31 * 60));
        // The window only: an always-prompt action still needs a completion.
        fresh.post("/api/payouts/always", null).assertError(403, "PE-0028");

        long old = now.getTime() / 1000 - 31 * 60;
        Api.Reply tooOld = bearer(Jwts.claims(upn).claim("acr", "phr").claim("auth_time", old)).post("/api/payouts/recent", null);
        tooOld.assertError(403, "PE-0028");
        assertThat(tooOld.header("WWW-Authenticate")).isEqualTo("Bearer error=\"insufficient_user_authentication\", "
                + "error_description=\"Step up authentication required\", acr_values=\"urn:example:mfa phr\", max_age=1800");
        bearer(Jwts.claims(upn).claim("acr", "urn:example:password").claim("auth_time", now.getTime() / 1000))
                .post("/api/payouts/recent", null).assertError(403, "PE-0028");
        bearer(Jwts.claims(upn).claim("acr", "urn:example:mfa")).post("/api/payouts/recent", null)
                .assertError(403, "PE-0028");
    }

    // ------------------------------------------------------------ helpers

    private Api verifier() {
        return api.token(users.service("StepUpVerifier"));
    }

    private Api bearer(com.nimbusds.jwt.JWTClaimsSet.Builder claims) {
        return api.header("Authorization", "Bearer " + Jwts.signed(claims.build()));
    }

    /** Enrols the Bearer caller's own user (made on first sight of its JWT). */
    private Enrolled enrolWith(Api bearer) {
        Api.Reply me = bearer.get("/api/me");
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        return Enrolled.with(users, new Users.Identity(me.string("userId"), me.string("username"), null), bearer);
    }

    static String completionOf(Api.Reply stepUp) {
        assertThat(stepUp.json().getString("result")).as(stepUp.toString()).isEqualTo("SUCCESS");
        String cookie = stepUp.header("Set-Cookie");
        return cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    }

    static String consume(String completion, String field, String user) {
        return "{\"completionId\":\"" + completion + "\",\"" + field + "\":\"" + user + "\"}";
    }

    static String verify(String field, String user, String otp) {
        return "{\"" + field + "\":\"" + user + "\",\"otp\":\"" + otp + "\"}";
    }
}
