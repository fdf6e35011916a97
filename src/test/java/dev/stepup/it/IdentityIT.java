package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Users, service identities and API tokens over HTTP, on PostgreSQL. */
@BlackBox
class IdentityIT {

    Api api;
    Users users;

    @Test
    void bootstrapAdminTokenIsAccepted() {
        // The admin looked up by its own token: no listing, whatever other users the tenant holds.
        Api.Reply me = users.admin().get("/api/me");
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.string("username")).isEqualTo("admin");
        Api.Reply admin = users.admin().get("/api/users/" + me.string("userId"));
        assertThat(admin.status()).as(admin.toString()).isEqualTo(200);
        assertThat(admin.string("username")).isEqualTo("admin");
        assertThat(admin.json().getJsonArray("adminRoles").getJsonObject(0).getString("name")).isEqualTo("TenantAdmin");
    }

    @Test
    void createdUserHasTheContractShape() {
        String ada = "ada-" + UUID.randomUUID();
        Api.Reply created = users.admin().post("/api/users", """
                {"type":"User","username":"%s","email":"ada@example.com","firstName":"Ada","lastName":"Lovelace",
                 "password":"correct horse battery","status":"active","adminRoles":[{"name":"IdentityViewer"}],"unknown":1}"""
                .formatted(ada));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        var user = created.json();
        assertThat(user.getString("userId")).matches("[A-Za-z0-9]{20}");
        assertThat(user.getString("type")).isEqualTo("User");
        assertThat(user.getString("username")).isEqualTo(ada);
        assertThat(user.getString("status")).isEqualTo("active");
        assertThat(user.getJsonArray("adminRoles").getJsonObject(0).getString("name")).isEqualTo("IdentityViewer");
        assertThat(user.getJsonObject("identityProvider").getBoolean("mfaEnabled")).isTrue();
        assertThat(created.body()).doesNotContain("correct horse battery").doesNotContain("password");

        Api.Reply read = users.admin().get("/api/users/" + user.getString("userId"));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(user);

        Api.Reply duplicate = users.admin().post("/api/users", "{\"type\":\"User\",\"username\":\"" + ada + "\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.errorCode()).isEqualTo("U-0003");
    }

    @Test
    void serviceIdentityGetsATokenThatAuthenticates() {
        String name = "nightly-batch-" + UUID.randomUUID();
        Api.Reply created = users.admin().post("/api/users", """
                {"type":"ServiceIdentity","name":"%s","status":"active","adminRoles":[{"name":"IdentityManager"}]}"""
                .formatted(name));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.string("type")).isEqualTo("ServiceIdentity");
        assertThat(created.string("name")).isEqualTo(name);
        assertThat(created.json().containsKey("username")).isFalse();
        String id = created.string("userId");

        Api.Reply token = users.admin().post("/api/users/" + id + "/tokens", "{\"tokenExpirationDays\":30}");
        assertThat(token.status()).isEqualTo(200);
        assertThat(token.string("token")).hasSizeLessThan(50);
        assertThat(token.header("Cache-Control")).isEqualTo("no-store");

        // An IdentityManager may read users but not create them.
        Api batch = api.token(token.string("token"));
        assertThat(batch.get("/api/users/" + id).status()).isEqualTo(200);
        Api.Reply refused = batch.post("/api/users", "{\"type\":\"User\",\"username\":\"x-" + UUID.randomUUID() + "\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("AU-0403");
    }

    @Test
    void missingOrWrongTokenIs401() {
        Api.Reply none = api.get("/api/users");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.errorCode()).isEqualTo("AU-0000");

        Api.Reply wrong = api.token("stp_not-a-real-token").get("/api/users");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.errorCode()).isEqualTo("AU-0000");

        Api.Reply otherScheme = api.header("Authorization", "Basic YWRtaW46YWRtaW4=").get("/api/users");
        assertThat(otherScheme.status()).isEqualTo(401);
        assertThat(otherScheme.errorCode()).isEqualTo("AU-0000");
    }

    @Test
    void userWithoutRoleIs403() {
        Users.Identity plain = users.create();
        Api.Reply reply = api.token(plain.token()).get("/api/users");
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.errorCode()).isEqualTo("AU-0403");
    }

    @Test
    void replacedTokenIsRefused() {
        Users.Identity user = users.create("IdentityViewer");
        assertThat(api.token(user.token()).get("/api/users/" + user.userId()).status()).isEqualTo(200);

        Api.Reply second = users.admin().post("/api/users/" + user.userId() + "/tokens", null);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.string("token")).isNotEqualTo(user.token());

        assertUnauthenticated(api.token(user.token()).get("/api/users/" + user.userId()));
        assertThat(api.token(second.string("token")).get("/api/users/" + user.userId()).status()).isEqualTo(200);
    }

    /**
     * Token checks that arrive while one waits for the database are read together, in one
     * statement after it (ApiTokens): each request is answered as its own caller, and an
     * unknown token among them is refused.
     */
    @Test
    void tokenChecksThatArriveTogetherAreReadTogetherEachAsItsOwnCaller() throws Exception {
        Users.Identity first = users.create();
        List<Users.Identity> others = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            others.add(users.create());
        }
        ExecutorService clients = Executors.newFixedThreadPool(2 + others.size());
        try (Connection db = TestDatabase.shared().connect(); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            // Reading a token waits for this lock: the first check stays in the database while the others arrive.
            sql.execute("lock table api_token in access exclusive mode");
            Future<Api.Reply> firstReply = clients.submit(() -> api.token(first.token()).get("/api/me"));
            TestDatabase.shared().awaitLockWait("select t.token_hash");
            List<Future<Api.Reply>> replies = new ArrayList<>();
            for (Users.Identity other : others) {
                replies.add(clients.submit(() -> api.token(other.token()).get("/api/me")));
            }
            Future<Api.Reply> unknown = clients.submit(() -> api.token("stp_not-a-real-token").get("/api/me"));
            Thread.sleep(1_500);
            assertThat(TestDatabase.shared().lockWaits("select t.token_hash")).as("token checks waiting in the database; 10 without groups")
                    .isEqualTo(1);
            db.commit();
            Api.Reply firstAnswer = firstReply.get(30, TimeUnit.SECONDS);
            assertThat(firstAnswer.status()).as(firstAnswer.toString()).isEqualTo(200);
            assertThat(firstAnswer.string("username")).isEqualTo(first.username());
            for (int i = 0; i < others.size(); i++) {
                Api.Reply reply = replies.get(i).get(30, TimeUnit.SECONDS);
                assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
                assertThat(reply.string("username")).isEqualTo(others.get(i).username());
            }
            assertUnauthenticated(unknown.get(30, TimeUnit.SECONDS));
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void tokenUnusedForLongerThanItsExpirationIsRefused() throws SQLException {
        Users.Identity user = users.create("IdentityViewer");
        assertThat(api.token(user.token()).get("/api/users/" + user.userId()).status()).isEqualTo(200);
        lastUsedAgo(user.userId(), "25 hours");
        assertUnauthenticated(api.token(user.token()).get("/api/users/" + user.userId()));
    }

    @Test
    void aTokenWithoutExpirationDaysLasts90DaysAfterItsLastUse() throws SQLException {
        Users.Identity user = users.create("IdentityViewer");
        for (String body : new String[] {"{}", null}) {
            Api.Reply issued = users.admin().post("/api/users/" + user.userId() + "/tokens", body);
            assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
            Api owner = api.token(issued.string("token"));
            lastUsedAgo(user.userId(), "89 days 23 hours");
            assertThat(owner.get("/api/users/" + user.userId()).status()).as("body %s, 89 days 23 hours after its last use", body)
                    .isEqualTo(200);
            lastUsedAgo(user.userId(), "90 days 1 hour");
            assertUnauthenticated(owner.get("/api/users/" + user.userId()));
        }
    }

    /** Moves the last use of the user's token into the past. */
    private static void lastUsedAgo(String userId, String interval) throws SQLException {
        try (Connection db = TestDatabase.connect();
             PreparedStatement age = db.prepareStatement(
                     "update api_token set last_used_at = now() - cast(? as interval) where identity_id = ?")) {
            age.setString(1, interval);
            age.setString(2, userId);
            assertThat(age.executeUpdate()).isEqualTo(1);
        }
    }

    private static void assertUnauthenticated(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
        assertThat(reply.errorCode()).isEqualTo("AU-0000");
    }

    @Test
    void aTokensUseIsRecordedSoItsExpiryCountsFromThere() throws SQLException {
        Users.Identity user = users.create("IdentityViewer");
        try (Connection db = TestDatabase.connect();
             PreparedStatement age = db.prepareStatement(
                     "update api_token set last_used_at = last_used_at - interval '2 hours' where identity_id = ?");
             PreparedStatement lastUse = db.prepareStatement(
                     "select extract(epoch from now() - last_used_at) from api_token where identity_id = ?")) {
            age.setString(1, user.userId());
            assertThat(age.executeUpdate()).isEqualTo(1);
            assertThat(api.token(user.token()).get("/api/users/" + user.userId()).status()).isEqualTo(200);
            lastUse.setString(1, user.userId());
            try (ResultSet row = lastUse.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getDouble(1)).as("seconds since the recorded last use").isLessThan(60);
            }
        }
    }

    @Test
    void tokenExpirationOutOfRangeIs400() {
        Users.Identity user = users.create();
        for (String days : new String[] {"0", "91", "\"x\""}) {
            Api.Reply reply = users.admin().post("/api/users/" + user.userId() + "/tokens", "{\"tokenExpirationDays\":" + days + "}");
            assertThat(reply.status()).as(days).isEqualTo(400);
            assertThat(reply.errorCode()).isEqualTo("REQ-0001");
        }
    }

    @Test
    void deletedUserIsGoneWithItsToken() {
        Users.Identity user = users.create("IdentityViewer");
        assertThat(users.admin().delete("/api/users/" + user.userId()).status()).isEqualTo(204);
        Api.Reply gone = users.admin().get("/api/users/" + user.userId());
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("U-0001");
        assertUnauthenticated(api.token(user.token()).get("/api/users"));
        Api.Reply again = users.admin().delete("/api/users/" + user.userId());
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorCode()).isEqualTo("U-0001");
    }

    @Test
    void twoDeletesAtOnceGiveOne204AndOne404() throws Exception {
        for (int round = 0; round < 3; round++) {
            String userId = users.create("IdentityViewer").userId();
            List<Integer> statuses = AtOnce.all(Collections.nCopies(4, () -> users.admin().delete("/api/users/" + userId).status()));
            assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(204, 404, 404, 404);
        }
    }

    @Test
    void tokensIssuedAtOnceLeaveExactlyOneValid() throws Exception {
        Users.Identity user = users.create("IdentityViewer");
        Callable<String> issue = () -> {
            Api.Reply reply = users.admin().post("/api/users/" + user.userId() + "/tokens", null);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            return reply.string("token");
        };
        List<String> issued = AtOnce.all(Collections.nCopies(4, issue));
        assertThat(issued).doesNotHaveDuplicates();
        assertThat(issued.stream().filter(token -> api.token(token).get("/api/users/" + user.userId()).status() == 200))
                .hasSize(1);
    }

    @Test
    void anUnknownCharsetIs415() {
        Api.Reply reply = users.admin().send("POST", "/api/users", "{\"type\":\"User\",\"username\":\"charset\"}",
                "application/json; charset=nope");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(415);
        assertThat(reply.errorCode()).isEqualTo("REQ-0415");
    }

    @Test
    void malformedUserIdIs400() {
        Api.Reply reply = users.admin().get("/api/users/not-an-id");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errorCode()).isEqualTo("U-0002");
    }

    @Test
    void listingIsPaged() {
        users.create();
        users.create();
        Api.Reply page = users.admin().get("/api/users?page=0&size=2");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().getInt("size")).isEqualTo(2);
        assertThat(page.json().getInt("page")).isZero();
        assertThat(page.json().getJsonArray("data")).hasSize(2);
        assertThat(page.json().getJsonNumber("count").longValue()).isGreaterThanOrEqualTo(3);
    }
}
