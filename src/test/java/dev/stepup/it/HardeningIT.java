package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The findings of the security review of issue 23, each as the attack that worked, on
 * PostgreSQL: sign-in lockout by a guesser elsewhere, audit rows per throttled attempt,
 * unbounded password checks and throttle rows, Bearer JWT lifetime, {@code kid} and
 * {@code typ}, ambiguous credentials, cacheable API answers and the password hash.
 */
@BlackBox
class HardeningIT {

    static final String PASSWORD = "correct horse battery staple";

    Api api;
    Users users;

    // 1. Sign-in lockout

    @Test
    @DisplayName("a guesser at another address no longer keeps the user out: the wait is per (name, address)")
    void aGuesserElsewhereDoesNotLockTheUserOut() {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        for (int guess = 0; guess < 5; guess++) {
            RawReply wrong = fromOtherAddress(ada.username(), "guess " + guess);
            assertThat(wrong.status()).as(wrong.toString()).isEqualTo(401);
        }
        // The guesser's own address waits, even with the right password ...
        RawReply guesser = fromOtherAddress(ada.username(), PASSWORD);
        assertThat(guesser.status()).as(guesser.toString()).isEqualTo(429);
        assertThat(guesser.body()).contains("\"errorCode\":\"AU-0429\"");
        assertThat(guesser.header("Retry-After")).isNotNull();
        // ... the user at hers signs in.
        Api.Reply user = signIn(api, ada.username(), PASSWORD);
        assertThat(user.status()).as(user.toString()).isEqualTo(200);
    }

    @Test
    @DisplayName("past the name-wide ceiling every browser waits, but one that signed in with the name before")
    void theNameWideCeilingHoldsButABrowserThatSignedInBeforeSkipsIt() throws SQLException {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        String nobody = "nobody-" + UUID.randomUUID();
        assertThat(signIn(api, ada.username(), "typo").status()).isEqualTo(401);
        Api.Reply first = signIn(api, ada.username(), PASSWORD);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        String device = cookie(first, "STEPUP_DEVICE");
        assertThat(first.headerValues("Set-Cookie")).filteredOn(c -> c.startsWith("STEPUP_DEVICE="))
                .singleElement().asString()
                .contains("; Max-Age=31536000").contains("; Path=/api/session").contains("; HttpOnly")
                .contains("; SameSite=Strict").doesNotContain("Secure");
        assertThat(device).hasSizeGreaterThanOrEqualTo(43);
        try (Connection db = TestDatabase.connect()) {
            // Kept only as a hash bound to the name's hash.
            assertThat(rows(db, "select count(*) from sign_in_device where device_key = ?",
                    TestDatabase.sha256("device:" + device + "\n" + nameKey(ada.username())))).isEqualTo(1);
            assertThat(rows(db, "select count(*) from sign_in_device where device_key = ?", device)).isZero();

            // Sixty failures of each name from addresses all over: past the ceiling (50).
            assertThat(signIn(api, nobody, "guess").status()).isEqualTo(401);
            setNameWide(db, ada.username(), "failures = 60, last_failure_at = now()");
            setNameWide(db, nobody, "failures = 60, last_failure_at = now()");
        }
        Api.Reply known = signIn(api, ada.username(), PASSWORD);
        Api.Reply unknown = signIn(api, nobody, PASSWORD);
        for (Api.Reply refused : List.of(known, unknown)) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
            assertThat(refused.errorCode()).isEqualTo("AU-0429");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 900L);
        }
        assertThat(unknown.body().replaceAll("[0-9]+", "N")).isEqualTo(known.body().replaceAll("[0-9]+", "N"));

        // The browser that signed in as ada before is let through, with the right password only.
        Api browser = api.header("Cookie", "STEPUP_DEVICE=" + device);
        assertThat(signIn(browser, ada.username(), PASSWORD + "!").status()).isEqualTo(401);
        Api.Reply again = signIn(browser, ada.username(), PASSWORD);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(cookie(again, "STEPUP_DEVICE")).as("the same device").isEqualTo(device);
        // Its cookie is ada's, not any name's.
        assertThat(signIn(browser, nobody, PASSWORD).status()).isEqualTo(429);
    }

    // 4. Database filled by unauthenticated requests

    @Test
    @DisplayName("attempts refused during a wait make one THROTTLED audit line with their number, when it is over")
    void aWaitIsAuditedOnceWithItsCount() throws SQLException {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        String nobody = "nobody-" + UUID.randomUUID();
        try (Connection db = TestDatabase.connect()) {
            for (String name : List.of(ada.username(), nobody)) {
                assertThat(signIn(api, name, "guess").status()).isEqualTo(401);
                SignInRows.set(db, name, "failures = 10, last_failure_at = now()");
            }
            long knownBefore = throttledLines(db, ada.userId());
            long unknownBefore = throttledLines(db, null);
            for (int attempt = 0; attempt < 6; attempt++) {
                assertThat(signIn(api, ada.username(), PASSWORD).status()).isEqualTo(429);
                assertThat(signIn(api, nobody, PASSWORD).status()).isEqualTo(429);
            }
            assertThat(throttledLines(db, ada.userId())).as("no line per refused attempt").isEqualTo(knownBefore);
            assertThat(throttledLines(db, null)).isEqualTo(unknownBefore);

            // The wait is over: the next attempt, checked, tells the wait's refusals first.
            for (String name : List.of(ada.username(), nobody)) {
                SignInRows.set(db, name, "last_failure_at = now() - interval '1 hour', wait_until = now() - interval '59 minutes'");
                assertThat(signIn(api, name, "guess again").status()).isEqualTo(401);
            }
            assertThat(throttledLines(db, ada.userId())).isEqualTo(knownBefore + 1);
            assertThat(throttledLines(db, null)).isEqualTo(unknownBefore + 1);
            try (PreparedStatement line = db.prepareStatement("select details, source_ip from audit_event where type = 'SIGN_IN'"
                    + " and outcome = 'THROTTLED' and target_id = ? order by id desc")) {
                line.setString(1, ada.userId());
                try (ResultSet row = line.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString(1)).startsWith("6 sign-in attempts refused unchecked while this address waited, ");
                    assertThat(row.getString(2)).isNotNull();
                }
            }
        }
    }

    @Test
    @DisplayName("beyond the concurrent password checks an attempt is refused at once, unchecked and uncounted")
    void concurrentPasswordChecksAreCapped() throws Exception {
        List<String> names = new ArrayList<>();
        List<Callable<Api.Reply>> attempts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String name = "crowd-" + UUID.randomUUID();
            names.add(name);
            attempts.add(() -> signIn(api, name, "guess"));
        }
        List<Api.Reply> replies = AtOnce.all(attempts);
        int busy = 0;
        try (Connection db = TestDatabase.connect()) {
            for (int i = 0; i < replies.size(); i++) {
                Api.Reply reply = replies.get(i);
                assertThat(reply.status()).as(reply.toString()).isIn(401, 429);
                if (reply.status() == 429) {
                    busy++;
                    assertThat(reply.errorCode()).isEqualTo("AU-0429");
                    assertThat(reply.string("message")).isEqualTo("Too many sign-ins at once; try again in 1 s");
                    assertThat(reply.header("Retry-After")).isEqualTo("1");
                    assertThat(SignInRows.failures(db, names.get(i))).as("not counted").isZero();
                } else {
                    assertThat(SignInRows.failures(db, names.get(i))).isEqualTo(1);
                }
            }
        }
        assertThat(busy).as("answers 429 among 40 password checks at once").isPositive();
    }

    @Test
    @DisplayName("housekeeping tells a wait nobody ended, and keeps the throttle rows within their bound")
    void housekeepingTellsEndedWaitsAndBoundsTheRows() throws Exception {
        int refused = 4000 + new SecureRandom().nextInt(5000);
        String nobody = "nobody-" + UUID.randomUUID();
        String victim = "victim-" + UUID.randomUUID();
        try (Connection db = TestDatabase.connect(); Statement sql = db.createStatement()) {
            assertThat(signIn(api, nobody, "guess").status()).isEqualTo(401);
            SignInRows.set(db, nobody, "failures = 10, refused = " + refused + ", refused_since = now() - interval '3 minutes',"
                    + " wait_until = now() - interval '1 minute'");
            // A name under attack, and made-up names guessed once, just beyond the bound (100 000 rows).
            assertThat(signIn(api, victim, "guess").status()).isEqualTo(401);
            setNameWide(db, victim, "failures = 40");
            long existing = rows(db, "select count(*) from sign_in_throttle where name_hash like ?", "%");
            sql.executeUpdate("insert into sign_in_throttle (name_hash, failures, last_failure_at, refused)"
                    + " select 'filler-' || g, 1, now() - interval '20 hours' + g * interval '1 millisecond', 0"
                    + " from generate_series(1, " + (100_000 - existing + 300) + ") g");
            try {
                Instant deadline = Instant.now().plusSeconds(130);
                while ((count(db) > 100_000 || detailsLines(db, refused + " sign-in attempts") == 0)
                        && Instant.now().isBefore(deadline)) {
                    Thread.sleep(1000);
                }
                assertThat(count(db)).isLessThanOrEqualTo(100_000);
                assertThat(SignInRows.exists(db, victim)).isTrue();
                assertThat(rows(db, "select count(*) from sign_in_throttle where name_hash = ?", nameKey(victim))).isEqualTo(1);
                assertThat(rows(db, "select count(*) from sign_in_throttle where name_hash = ?", "filler-1"))
                        .as("the oldest of the fewest failures went first").isZero();
                assertThat(detailsLines(db, refused + " sign-in attempts refused unchecked while this address waited"))
                        .isEqualTo(1);
            } finally {
                sql.executeUpdate("delete from sign_in_throttle where name_hash like 'filler-%'");
            }
        }
    }

    // 3. Bearer JWTs: lifetime, kid and typ

    @Test
    @DisplayName("a Bearer JWT living ten years, or issued a year ahead, is refused; kid and typ at+jwt are taken")
    void bearerLifetimeKidAndType() throws Exception {
        String upn = "idp-" + UUID.randomUUID() + "@example.com";
        Instant now = Instant.now();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("exp ten years ahead", sign(new JWSHeader(JWSAlgorithm.RS256),
                Jwts.claims(upn).expirationTime(Date.from(now.plus(Duration.ofDays(3650)))).build()));
        refused.put("iat a year ahead", sign(new JWSHeader(JWSAlgorithm.RS256),
                Jwts.claims(upn).issueTime(Date.from(now.plus(Duration.ofDays(365))))
                        .expirationTime(Date.from(now.plus(Duration.ofDays(365)).plusSeconds(300))).build()));
        refused.forEach((what, jwt) -> {
            Api.Reply reply = api.header("Authorization", "Bearer " + jwt).get("/api/me");
            assertThat(reply.status()).as(what + ": " + reply).isEqualTo(401);
            assertThat(reply.errorCode()).isEqualTo("AU-0000");
        });

        Map<String, JWSHeader> accepted = new LinkedHashMap<>();
        accepted.put("a kid the PEM key does not have", new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rotation-7").build());
        accepted.put("typ at+jwt (RFC 9068)", new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt")).build());
        for (Map.Entry<String, JWSHeader> header : accepted.entrySet()) {
            Api.Reply reply = api.header("Authorization", "Bearer " + sign(header.getValue(), Jwts.claims(upn).build())).get("/api/me");
            assertThat(reply.status()).as(header.getKey() + ": " + reply).isEqualTo(200);
            assertThat(reply.string("username")).isEqualTo(upn);
        }
    }

    // 6. Cookies and headers

    @Test
    @DisplayName("two Authorization headers, or the session or completion cookie twice: 400 REQ-0001")
    void ambiguousCredentialsAreRefused() {
        Users.Identity ada = users.create("TenantAdmin");
        Map<String, HttpRequest> ambiguous = new LinkedHashMap<>();
        ambiguous.put("two Authorization headers", request("/api/users")
                .header("Authorization", "TOKEN " + ada.token()).header("Authorization", "TOKEN " + TestDatabase.ADMIN_TOKEN).build());
        ambiguous.put("the same Authorization header twice", request("/api/users")
                .header("Authorization", "TOKEN " + ada.token()).header("Authorization", "TOKEN " + ada.token()).build());
        ambiguous.put("the session cookie twice", request("/api/me")
                .header("Cookie", "STEPUP_SESSION=first; STEPUP_SESSION=second").build());
        ambiguous.put("the completion cookie twice", request("/api/me").header("Authorization", "TOKEN " + ada.token())
                .header("Cookie", "STEPUP_COMPLETION=first; other=1; STEPUP_COMPLETION=second").build());
        ambiguous.forEach((what, request) -> {
            Api.Reply reply = api.send(request);
            assertThat(reply.status()).as(what + ": " + reply).isEqualTo(400);
            assertThat(reply.errorCode()).isEqualTo("REQ-0001");
            assertThat(reply.header("Content-Type")).startsWith("application/json");
        });
        // One of each is fine, and other cookies may come twice.
        Api.Reply one = api.send(request("/api/me").header("Authorization", "TOKEN " + ada.token())
                .header("Cookie", "STEPUP_COMPLETION=first; theme=a; theme=b").build());
        assertThat(one.status()).as(one.toString()).isEqualTo(200);
    }

    @Test
    void everyApiAnswerSaysNoStore() {
        Users.Identity ada = users.create("TenantAdmin");
        Map<String, Api.Reply> answers = new LinkedHashMap<>();
        answers.put("GET /api/users", api.token(ada.token()).get("/api/users"));
        answers.put("GET /api/me", api.token(ada.token()).get("/api/me"));
        answers.put("GET /api/step-up/configuration", api.token(ada.token()).get("/api/step-up/configuration"));
        answers.put("401", api.get("/api/users"));
        answers.put("404", api.token(ada.token()).get("/api/no-such-thing"));
        answers.put("400", api.post("/api/session", "{\"username\":"));
        answers.put("HEAD /api/health", api.head("/api/health"));
        answers.forEach((what, reply) -> assertThat(reply.headerValues("Cache-Control")).as(what + ": " + reply)
                .singleElement().asString().contains("no-store"));
    }

    // 7. Password hashing

    @Test
    @DisplayName("a PBKDF2-HMAC-SHA256 hash (StepUp's before) is made again as HMAC-SHA512 at the next sign-in")
    void aSha256HashIsMadeAgainAsSha512() throws Exception {
        Users.Identity ada = users.createWithPassword(PASSWORD, "IdentityViewer");
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(PASSWORD.toCharArray(), salt, 210_000, 256)).getEncoded();
        String old = "PBKDF2WithHmacSHA256:210000:" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(derived);
        try (Connection db = TestDatabase.connect();
             PreparedStatement set = db.prepareStatement("update identity set password_hash = ? where id = ?")) {
            set.setString(1, old);
            set.setString(2, ada.userId());
            assertThat(set.executeUpdate()).isEqualTo(1);

            assertThat(signIn(api, ada.username(), PASSWORD).status()).isEqualTo(200);
            String now = string(db, "select password_hash from identity where id = ?", ada.userId());
            assertThat(now).startsWith("PBKDF2WithHmacSHA512:210000:").doesNotContain(PASSWORD);
            assertThat(signIn(api, ada.username(), PASSWORD).status()).isEqualTo(200);
        }
    }

    // Helpers

    private static Api.Reply signIn(Api api, String username, String password) {
        return api.post("/api/session", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    /** A cookie's value from the answer's {@code Set-Cookie} headers. */
    private static String cookie(Api.Reply reply, String name) {
        return reply.headerValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).findFirst().orElseThrow();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.base().resolve(path.substring(1))).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").GET();
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(TestDatabase.JWT_KEYS.getPrivate()));
        return jwt.serialize();
    }

    private static String nameKey(String username) {
        return TestDatabase.sha256("sign-in:" + username);
    }

    private static void setNameWide(Connection db, String username, String set) throws SQLException {
        try (PreparedStatement update = db.prepareStatement("update sign_in_throttle set " + set + " where name_hash = ?")) {
            update.setString(1, nameKey(username));
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static long count(Connection db) throws SQLException {
        return rows(db, "select count(*) from sign_in_throttle where name_hash like ?", "%");
    }

    private static long rows(Connection db, String query, String parameter) throws SQLException {
        try (PreparedStatement select = db.prepareStatement(query)) {
            select.setString(1, parameter);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getLong(1);
            }
        }
    }

    private static String string(Connection db, String query, String parameter) throws SQLException {
        try (PreparedStatement select = db.prepareStatement(query)) {
            select.setString(1, parameter);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    /** THROTTLED sign-in lines of the audit trail for this target (null: a made-up name). */
    private static long throttledLines(Connection db, String target) throws SQLException {
        return rows(db, "select count(*) from audit_event where type = 'SIGN_IN' and outcome = 'THROTTLED'"
                + " and coalesce(target_id, '') = ?", target == null ? "" : target);
    }

    private static long detailsLines(Connection db, String start) throws SQLException {
        return rows(db, "select count(*) from audit_event where details like ?", start + "%");
    }

    /**
     * A sign-in from 127.0.0.2, another loopback address of this machine: the client's own
     * socket, bound to it, speaking HTTP/1.0 (no chunked answer to decode).
     */
    private RawReply fromOtherAddress(String username, String password) {
        byte[] body = ("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), api.base().getPort()), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/session HTTP/1.0\r\nHost: 127.0.0.1:" + api.base().getPort() + "\r\nAccept: application/json\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] head = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), head[i].substring(colon + 1).strip());
            }
            return new RawReply(Integer.parseInt(head[0].split(" ")[1]), headers, text.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record RawReply(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
