package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonValue;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The web UI's browser session over HTTP, without a browser: sign-in and its cookie,
 * {@code GET /api/me}, the CSRF token on state-changing requests, sign-out, the session's
 * idle and absolute lifetime, and the throttling of failed sign-ins; on PostgreSQL.
 */
@BlackBox
class SessionIT {

    static final String PASSWORD = "correct horse battery staple";

    Api api;
    Users users;

    @Test
    void signInOpensASessionStoredOnlyAsItsHash() throws SQLException {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");

        Api.Reply signedIn = signIn(api, ada.username(), PASSWORD);
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signedIn.string("userId")).isEqualTo(ada.userId());
        assertThat(signedIn.string("username")).isEqualTo(ada.username());
        assertThat(signedIn.json().getJsonArray("roles").getString(0)).isEqualTo("IdentityViewer");
        assertThat(signedIn.string("authenticatedBy")).isEqualTo("SESSION");
        assertThat(signedIn.string("csrfToken")).hasSize(64);
        assertThat(signedIn.header("Cache-Control")).isEqualTo("no-store");
        assertThat(signedIn.body()).doesNotContain(PASSWORD);
        String cookie = signedIn.header("Set-Cookie");
        assertThat(cookie).startsWith("STEPUP_SESSION=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/").doesNotContain("Max-Age").doesNotContain("Secure");
        String value = sessionValue(signedIn);
        assertThat(value).hasSizeGreaterThanOrEqualTo(40);

        try (Connection db = TestDatabase.connect();
             PreparedStatement rows = db.prepareStatement(
                     "select session_hash from browser_session where identity_id = ?")) {
            rows.setString(1, ada.userId());
            try (ResultSet row = rows.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo(TestDatabase.sha256(value)).isNotEqualTo(value);
                assertThat(row.next()).isFalse();
            }
        }
        try (Connection db = TestDatabase.connect();
             PreparedStatement hash = db.prepareStatement("select password_hash from identity where id = ?")) {
            hash.setString(1, ada.userId());
            try (ResultSet row = hash.executeQuery()) {
                assertThat(row.next()).isTrue();
                // Jakarta Security's PBKDF2 with the iterations OWASP asks for, not its default 2 048.
                assertThat(row.getString(1)).startsWith("PBKDF2WithHmacSHA512:210000:").doesNotContain(PASSWORD);
            }
        }

        Api session = withCookie(value);
        Api.Reply me = session.get("/api/me");
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.string("userId")).isEqualTo(ada.userId());
        assertThat(me.string("authenticatedBy")).isEqualTo("SESSION");
        assertThat(me.string("csrfToken")).isEqualTo(signedIn.string("csrfToken"));
        // The session carries the user's roles: an IdentityViewer reads users, but may not create them.
        assertThat(session.get("/api/users/" + ada.userId()).status()).isEqualTo(200);
        Api.Reply create = session.header("X-CSRF-Token", me.string("csrfToken"))
                .post("/api/users", "{\"type\":\"User\",\"username\":\"u-" + UUID.randomUUID() + "\"}");
        assertThat(create.status()).as(create.toString()).isEqualTo(403);
        assertThat(create.errorCode()).isEqualTo("AU-0403");

        // A token caller's /api/me has no CSRF token: it carries no ambient credential.
        Api.Reply byToken = api.token(ada.token()).get("/api/me");
        assertThat(byToken.string("authenticatedBy")).isEqualTo("TOKEN");
        assertThat(byToken.json().getOrDefault("csrfToken", JsonValue.NULL)).isEqualTo(JsonValue.NULL);
    }

    @Test
    void aHashOfJakartasDefault2048IterationsIsMadeAgainAtSignIn() throws Exception {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        // As an older StepUp stored it: Jakarta Security's PBKDF2 format with its default count.
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(PASSWORD.toCharArray(), salt, 2048, 256)).getEncoded();
        Base64.Encoder base64 = Base64.getEncoder();
        String old = "PBKDF2WithHmacSHA256:2048:" + base64.encodeToString(salt) + ":" + base64.encodeToString(derived);
        try (Connection db = TestDatabase.connect();
             PreparedStatement set = db.prepareStatement("update identity set password_hash = ? where id = ?");
             PreparedStatement read = db.prepareStatement("select password_hash from identity where id = ?")) {
            set.setString(1, old);
            set.setString(2, ada.userId());
            assertThat(set.executeUpdate()).isEqualTo(1);

            signIn(api, ada.username(), PASSWORD + "!").assertError(401, "AU-0000");
            read.setString(1, ada.userId());
            assertThat(hashOf(read)).as("unchanged by a wrong password").isEqualTo(old);
            assertThat(signIn(api, ada.username(), PASSWORD).status()).isEqualTo(200);
            assertThat(hashOf(read)).startsWith("PBKDF2WithHmacSHA512:210000:");
            assertThat(signIn(api, ada.username(), PASSWORD).status()).isEqualTo(200);
        }
    }

    private static String hashOf(PreparedStatement read) throws SQLException {
        try (ResultSet row = read.executeQuery()) {
            assertThat(row.next()).isTrue();
            return row.getString(1);
        }
    }

    @Test
    void wrongPasswordUnknownUserAndUserWithoutPasswordAllGetTheSame401() {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        Users.Identity noPassword = users.create("IdentityViewer");

        Api.Reply wrong = signIn(api, ada.username(), PASSWORD + "!");
        Api.Reply unknown = signIn(api, "nobody-" + UUID.randomUUID(), PASSWORD);
        Api.Reply without = signIn(api, noPassword.username(), PASSWORD);
        for (Api.Reply reply : new Api.Reply[] {wrong, unknown, without}) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
            assertThat(reply.errorCode()).isEqualTo("AU-0000");
            assertThat(reply.string("message")).isEqualTo(wrong.string("message"));
            assertThat(reply.header("Set-Cookie")).isNull();
        }

        Api.Reply malformed = api.post("/api/session", "{\"username\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("REQ-0001");
    }

    @Test
    void stateChangingRequestsOfASessionNeedItsCsrfToken() throws SQLException {
        Users.Identity admin = users.createWithPassword(PASSWORD, "TenantAdmin");
        Enrolled enrolled = Enrolled.of(users, admin);
        Api.Reply signedIn = signIn(api, admin.username(), PASSWORD);
        Api session = withCookie(sessionValue(signedIn));
        String csrf = signedIn.string("csrfToken");
        String newUser = "{\"type\":\"User\",\"username\":\"u-%s\"}";

        Api.Reply missing = session.post("/api/users", newUser.formatted(UUID.randomUUID()));
        assertThat(missing.status()).as(missing.toString()).isEqualTo(403);
        assertThat(missing.errorCode()).isEqualTo("AU-0005");
        Api.Reply wrong = session.header("X-CSRF-Token", csrf.substring(1) + "0")
                .post("/api/users", newUser.formatted(UUID.randomUUID()));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.errorCode()).isEqualTo("AU-0005");
        // Another session's token does not fit this one.
        String otherCsrf = signIn(api, admin.username(), PASSWORD).string("csrfToken");
        assertThat(session.header("X-CSRF-Token", otherCsrf).post("/api/users", newUser.formatted(UUID.randomUUID()))
                .errorCode()).isEqualTo("AU-0005");
        // Refused requests changed nothing: no user was created.
        try (Connection db = TestDatabase.connect();
             PreparedStatement count = db.prepareStatement(
                     "select count(*) from audit_event where actor_id = ? and type = 'USER_CREATED'")) {
            count.setString(1, admin.userId());
            try (ResultSet row = count.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getLong(1)).isZero();
            }
        }

        // With the token, and a step-up in this session (guarded administration), it goes through.
        Api.Reply stepUp = session.header("X-CSRF-Token", csrf)
                .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + enrolled.nextCode() + "\"}");
        assertThat(stepUp.json().getString("result")).as(stepUp.toString()).isEqualTo("SUCCESS");
        Api.Reply created = session.header("X-CSRF-Token", csrf).post("/api/users", newUser.formatted(UUID.randomUUID()));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        // Reading needs no token; a sign-out does.
        assertThat(session.get("/api/users/" + admin.userId()).status()).isEqualTo(200);
        Api.Reply signOut = session.delete("/api/session");
        assertThat(signOut.status()).isEqualTo(403);
        assertThat(signOut.errorCode()).isEqualTo("AU-0005");
        assertThat(session.get("/api/me").status()).isEqualTo(200);
    }

    @Test
    void signOutEndsTheSessionOnTheServer() {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        Api.Reply signedIn = signIn(api, ada.username(), PASSWORD);
        Api session = withCookie(sessionValue(signedIn));

        Api.Reply signOut = session.header("X-CSRF-Token", signedIn.string("csrfToken")).delete("/api/session");
        assertThat(signOut.status()).as(signOut.toString()).isEqualTo(204);
        assertThat(signOut.header("Set-Cookie")).startsWith("STEPUP_SESSION=;").contains("Max-Age=0");

        // A browser that kept the cookie anyway is not let in.
        Api.Reply after = session.get("/api/me");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.errorCode()).isEqualTo("AU-0000");
    }

    @Test
    void signingInAgainEndsTheBrowsersEarlierSession() {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        Users.Identity grace = users.createWithPassword(PASSWORD, "IdentityViewer");
        String first = sessionValue(signIn(api, ada.username(), PASSWORD));
        Api firstSession = withCookie(first);

        // A failed sign-in leaves the session as it was.
        signIn(firstSession, grace.username(), PASSWORD + "!").assertError(401, "AU-0000");
        assertThat(firstSession.get("/api/me").string("userId")).isEqualTo(ada.userId());

        Api.Reply again = signIn(firstSession, grace.username(), PASSWORD);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        String second = sessionValue(again);
        assertThat(second).isNotEqualTo(first);
        firstSession.get("/api/me").assertError(401, "AU-0000");
        assertThat(withCookie(second).get("/api/me").string("userId")).isEqualTo(grace.userId());
    }

    @Test
    void aSessionEndsWhenIdleTooLongOrTooOldOrWithItsUser() throws SQLException {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        Api idle = withCookie(sessionValue(signIn(api, ada.username(), PASSWORD)));
        Api old = withCookie(sessionValue(signIn(api, ada.username(), PASSWORD)));
        Api used = withCookie(sessionValue(signIn(api, ada.username(), PASSWORD)));
        Api deleted = withCookie(sessionValue(signIn(api, users.createWithPassword(PASSWORD).username(), PASSWORD)));
        assertThat(deleted.get("/api/me").status()).isEqualTo(200);

        try (Connection db = TestDatabase.connect()) {
            // 30 idle minutes end a session; 29 do not, and a request then counts as use.
            age(db, "last_seen_at = now() - interval '31 minutes'", idle);
            age(db, "last_seen_at = now() - interval '29 minutes'", used);
            // 12 hours end a session, however busy.
            age(db, "created_at = now() - interval '13 hours', last_seen_at = now()", old);

            idle.get("/api/me").assertError(401, "AU-0000");
            old.get("/api/me").assertError(401, "AU-0000");
            assertThat(used.get("/api/me").status()).isEqualTo(200);
            try (PreparedStatement seen = db.prepareStatement(
                    "select extract(epoch from now() - last_seen_at) from browser_session where session_hash = ?")) {
                seen.setString(1, TestDatabase.sha256(cookieOf(used)));
                try (ResultSet row = seen.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getDouble(1)).as("seconds since the recorded last use").isLessThan(60);
                }
            }
        }
        // Deleting the user ends its sessions.
        String userId = deleted.get("/api/me").string("userId");
        assertThat(users.admin().delete("/api/users/" + userId).status()).isEqualTo(204);
        deleted.get("/api/me").assertError(401, "AU-0000");
    }

    @Test
    void failedSignInsAreCountedAndThrottledPerUsername() throws SQLException {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        Users.Identity grace = users.createWithPassword(PASSWORD, "IdentityViewer");
        for (int attempt = 0; attempt < 3; attempt++) {
            signIn(api, ada.username(), "guess " + attempt).assertError(401, "AU-0000");
        }
        try (Connection db = TestDatabase.connect()) {
            assertThat(SignInRows.failures(db, ada.username())).isEqualTo(3);

            // Ten failures in a row: the next attempt waits 32 s, and is refused unchecked,
            // the right password too.
            SignInRows.set(db, ada.username(), "failures = 10, last_failure_at = now()");
            Api.Reply refused = signIn(api, ada.username(), PASSWORD);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
            assertThat(refused.errorCode()).isEqualTo("AU-0429");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 32L);
            assertThat(refused.header("Set-Cookie")).isNull();
            assertThat(SignInRows.failures(db, ada.username())).as("a refused attempt is not counted").isEqualTo(10);
            // Another user is not held up.
            assertThat(signIn(api, grace.username(), PASSWORD).status()).isEqualTo(200);

            // Once the wait is over, the right password signs in and clears the count.
            SignInRows.set(db, ada.username(), "last_failure_at = now() - interval '1 hour'");
            assertThat(signIn(api, ada.username(), PASSWORD).status()).isEqualTo(200);
            assertThat(SignInRows.failures(db, ada.username())).isZero();
        }
    }

    @Test
    void anUnknownUsernameIsCountedThrottledAndAuditedLikeAKnownOne() throws Exception {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        String nobody = "nobody-" + UUID.randomUUID();
        try (Connection db = TestDatabase.connect()) {
            // A line for an unknown name has no target, so it cannot be told by user: these counts
            // are differences over the test, which is alone on the shared server's database
            // (its classes run one after another; the classes beside them have databases of their own).
            long unknownFailed = audited(db, "FAILED", null);
            long knownFailed = audited(db, "FAILED", ada.userId());
            for (int attempt = 0; attempt < 3; attempt++) {
                Api.Reply known = signIn(api, ada.username(), "guess " + attempt);
                Api.Reply unknown = signIn(api, nobody, "guess " + attempt);
                known.assertError(401, "AU-0000");
                assertThat(unknown.status()).isEqualTo(401);
                assertThat(unknown.body()).isEqualTo(known.body());
                assertThat(unknown.header("Retry-After")).isNull();
            }
            assertThat(SignInRows.failures(db, nobody)).isEqualTo(SignInRows.failures(db, ada.username())).isEqualTo(3);
            // Failures at an unknown name are in the audit trail too, without a target.
            assertThat(audited(db, "FAILED", null) - unknownFailed).isEqualTo(3);
            assertThat(audited(db, "FAILED", ada.userId()) - knownFailed).isEqualTo(3);

            // From the threshold on, both wait alike: a 429 tells nothing about which names exist.
            SignInRows.set(db, ada.username(), "failures = 10, last_failure_at = now()");
            SignInRows.set(db, nobody, "failures = 10, last_failure_at = now()");
            long unknownThrottled = audited(db, "THROTTLED", null);
            long knownThrottled = audited(db, "THROTTLED", ada.userId());
            Api.Reply known = signIn(api, ada.username(), PASSWORD);
            Api.Reply unknown = signIn(api, nobody, PASSWORD);
            for (Api.Reply refused : List.of(known, unknown)) {
                assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
                assertThat(refused.errorCode()).isEqualTo("AU-0429");
                assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 32L);
            }
            assertThat(unknown.body().replaceAll("[0-9]+", "N")).isEqualTo(known.body().replaceAll("[0-9]+", "N"));
            // Refused unchecked and uncounted, and audited alike: once the wait is over (HardeningIT).
            assertThat(SignInRows.failures(db, nobody)).isEqualTo(SignInRows.failures(db, ada.username())).isEqualTo(10);
            assertThat(audited(db, "THROTTLED", null) - unknownThrottled).isZero();
            assertThat(audited(db, "THROTTLED", ada.userId()) - knownThrottled).isZero();

        }
    }

    @Test
    void concurrentGuessesAreCountedOneAfterAnother() throws Exception {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        int logged = ServerLogs.upToNow(api).length();
        // A known name and an unknown one, each new, so the guesses also race to make its row.
        for (String name : List.of(ada.username(), "nobody-" + UUID.randomUUID())) {
            List<Callable<Api.Reply>> guesses = new ArrayList<>();
            for (int guess = 0; guess < 8; guess++) {
                String password = "guess " + guess;
                guesses.add(() -> signIn(api, name, password));
            }
            int wrong = 0;
            for (Api.Reply reply : AtOnce.all(guesses)) {
                assertThat(reply.status()).as(reply.toString()).isIn(401, 429);
                assertThat(reply.errorCode()).isEqualTo(reply.status() == 401 ? "AU-0000" : "AU-0429");
                wrong += reply.status() == 401 ? 1 : 0;
            }
            // Every checked guess is counted (none lost to a concurrent update), and from the
            // threshold (5) on, the guesses inside the wait are refused unchecked: eight
            // checked guesses would need waits of 1, 2 and 4 s to pass meanwhile.
            assertThat(wrong).isBetween(5, 7);
            try (Connection db = TestDatabase.connect()) {
                assertThat(SignInRows.failures(db, name)).isEqualTo(wrong);
            }
        }
        // Neither a password nor a guess reaches the log, locking warns of nothing, and the
        // race to make a name's row logs no error.
        String log = ServerLogs.upToNow(api).substring(logged);
        assertThat(log).doesNotContain(PASSWORD).doesNotContain("guess 0").doesNotContain("HHH000444")
                .doesNotContain("SQLState").doesNotContain("duplicate key");
    }

    private static Api.Reply signIn(Api api, String username, String password) {
        return api.post("/api/session", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    private Api withCookie(String value) {
        return api.header("Cookie", "STEPUP_SESSION=" + value);
    }

    /** The session cookie's value from a sign-in's {@code Set-Cookie}. */
    private static String sessionValue(Api.Reply signedIn) {
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        String cookie = signedIn.header("Set-Cookie");
        return cookie.substring("STEPUP_SESSION=".length(), cookie.indexOf(';'));
    }

    private static String cookieOf(Api session) {
        return session.headerValue("Cookie").substring("STEPUP_SESSION=".length());
    }

    private static void age(Connection db, String set, Api session) throws SQLException {
        try (PreparedStatement update = db.prepareStatement("update browser_session set " + set + " where session_hash = ?")) {
            update.setString(1, TestDatabase.sha256(cookieOf(session)));
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    /** Sign-in lines of the audit trail with this outcome and target (null: an unknown name). */
    private static long audited(Connection db, String outcome, String target) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("select count(*) from audit_event where type = 'SIGN_IN'"
                + " and outcome = ? and coalesce(target_id, '') = ?")) {
            select.setString(1, outcome);
            select.setString(2, target == null ? "" : target);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getLong(1);
            }
        }
    }
}
