package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Users, service identities and API tokens over HTTP, on PostgreSQL. */
@BlackBox
@RunAsClient
class IdentityIT {

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

    @Test
    void healthAnswersWithoutAuthentication() {
        assertThat(api.head("/api/health").status()).isEqualTo(200);
    }

    @Test
    void bootstrapAdminTokenIsAccepted() {
        Api.Reply reply = users.admin().get("/api/users?size=1000");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().getJsonArray("data").getValuesAs(jakarta.json.JsonObject.class))
                .anySatisfy(user -> {
                    assertThat(user.getString("username")).isEqualTo("admin");
                    assertThat(user.getJsonArray("adminRoles").getJsonObject(0).getString("name")).isEqualTo("TenantAdmin");
                });
    }

    @Test
    void createdUserHasTheContractShape() {
        Api.Reply created = users.admin().post("/api/users", """
                {"type":"User","username":"ada","email":"ada@example.com","firstName":"Ada","lastName":"Lovelace",
                 "password":"correct horse battery","status":"active","adminRoles":[{"name":"IdentityViewer"}],"unknown":1}""");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        var user = created.json();
        assertThat(user.getString("userId")).matches("[A-Za-z0-9]{20}");
        assertThat(user.getString("type")).isEqualTo("User");
        assertThat(user.getString("username")).isEqualTo("ada");
        assertThat(user.getString("status")).isEqualTo("active");
        assertThat(user.getJsonArray("adminRoles").getJsonObject(0).getString("name")).isEqualTo("IdentityViewer");
        assertThat(user.getJsonObject("identityProvider").getBoolean("mfaEnabled")).isTrue();
        assertThat(created.body()).doesNotContain("correct horse battery").doesNotContain("password");

        Api.Reply read = users.admin().get("/api/users/" + user.getString("userId"));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(user);

        Api.Reply duplicate = users.admin().post("/api/users", "{\"type\":\"User\",\"username\":\"ada\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.errorCode()).isEqualTo("U-0003");
    }

    @Test
    void serviceIdentityGetsATokenThatAuthenticates() {
        Api.Reply created = users.admin().post("/api/users", """
                {"type":"ServiceIdentity","name":"nightly-batch","status":"active","adminRoles":[{"name":"IdentityManager"}]}""");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.string("type")).isEqualTo("ServiceIdentity");
        assertThat(created.string("name")).isEqualTo("nightly-batch");
        assertThat(created.json().containsKey("username")).isFalse();
        String id = created.string("userId");

        Api.Reply token = users.admin().post("/api/users/" + id + "/tokens", "{\"tokenExpirationDays\":30}");
        assertThat(token.status()).isEqualTo(200);
        assertThat(token.string("token")).hasSizeLessThan(50);
        assertThat(token.header("Cache-Control")).isEqualTo("no-store");

        // An IdentityManager may read users but not create them.
        Api batch = api.token(token.string("token"));
        assertThat(batch.get("/api/users/" + id).status()).isEqualTo(200);
        Api.Reply refused = batch.post("/api/users", "{\"type\":\"User\",\"username\":\"x\"}");
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
        Users.Identity user = users.create(  "IdentityViewer");
        assertThat(api.token(user.token()).get("/api/users/" + user.userId()).status()).isEqualTo(200);

        Api.Reply second = users.admin().post("/api/users/" + user.userId() + "/tokens", null);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.string("token")).isNotEqualTo(user.token());

        assertThat(api.token(user.token()).get("/api/users/" + user.userId()).status()).isEqualTo(401);
        assertThat(api.token(second.string("token")).get("/api/users/" + user.userId()).status()).isEqualTo(200);
    }

    @Test
    void tokenUnusedForLongerThanItsExpirationIsRefused() throws SQLException {
        Users.Identity user = users.create("IdentityViewer");
        assertThat(api.token(user.token()).get("/api/users/" + user.userId()).status()).isEqualTo(200);
        try (Connection db = TestDatabase.connect();
             PreparedStatement age = db.prepareStatement(
                     "update api_token set last_used_at = last_used_at - interval '25 hours' where identity_id = ?")) {
            age.setString(1, user.userId());
            assertThat(age.executeUpdate()).isEqualTo(1);
        }
        assertThat(api.token(user.token()).get("/api/users/" + user.userId()).status()).isEqualTo(401);
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
        assertThat(api.token(user.token()).get("/api/users").status()).isEqualTo(401);
        assertThat(users.admin().delete("/api/users/" + user.userId()).status()).isEqualTo(404);
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
