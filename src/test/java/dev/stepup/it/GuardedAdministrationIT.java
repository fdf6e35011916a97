package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Guarded administration: session and Bearer callers of the state-changing admin endpoints
 * step up first (API-token callers are exempt), a token for another identity needs a fresh
 * completion, one's own token always does; an IdentityManager cannot reset a TenantAdmin;
 * starting an enrolment over a session needs a recent password; an admin reset ends the
 * user's sessions. (The last TenantAdmin's 409 U-0003 is EmbeddedDefaultIT's: it needs a
 * database with exactly two TenantAdmins.)
 */
@BlackBox
class GuardedAdministrationIT {

    static final String NEW_USER = """
            {"type":"User","username":"guarded-%s","status":"active"}""";

    Api api;
    Users users;

    @Test
    void aSessionAdminStepsUpBeforeEveryStateChangingAdminCall() {
        Admin admin = Admin.withSession(users, api);
        Users.Identity target = users.create();
        Enrolled enrolledTarget = Enrolled.create(users);
        String configuration = users.admin().get("/api/step-up/configuration").body();

        Api session = admin.session();
        session.post("/api/users", NEW_USER.formatted(UUID.randomUUID())).assertError(403, "PE-0028");
        session.delete("/api/users/" + target.userId()).assertError(403, "PE-0028");
        session.post("/api/step-up/configuration", configuration).assertError(403, "PE-0028");
        session.delete("/api/mfa/admin/registrations/TOTP/users/" + enrolledTarget.userId()).assertError(403, "PE-0028");
        session.patch("/api/users/" + enrolledTarget.userId() + "/resetmfa", null).assertError(403, "PE-0028");
        session.delete("/api/mfa/admin/registrations/TOTP?status=CHALLENGE&olderThanHours=8760").assertError(403, "PE-0028");
        session.post("/api/users/" + target.userId() + "/tokens", "{}").assertError(403, "PE-0028");
        // Reading is not guarded.
        assertThat(session.get("/api/users/" + target.userId()).status()).isEqualTo(200);
        assertThat(enrolledTarget.api().get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("REGISTERED");

        // After a step-up the window holds for the window-mode calls.
        String completion = admin.stepUp();
        Api.Reply created = session.post("/api/users", NEW_USER.formatted(UUID.randomUUID()));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(session.delete("/api/users/" + created.string("userId")).status()).isEqualTo(204);
        assertThat(session.post("/api/step-up/configuration", configuration).status()).isEqualTo(200);
        assertThat(session.delete("/api/mfa/admin/registrations/TOTP/users/" + enrolledTarget.userId()).status()).isEqualTo(204);
        // A token for another identity needs the fresh completion, once.
        session.post("/api/users/" + target.userId() + "/tokens", "{}").assertError(403, "PE-0028");
        Api withCompletion = session.header("Cookie", session.headerValue("Cookie") + "; STEPUP_COMPLETION=" + completion);
        Api.Reply minted = withCompletion.post("/api/users/" + target.userId() + "/tokens", "{}");
        assertThat(minted.status()).as(minted.toString()).isEqualTo(200);
        withCompletion.post("/api/users/" + target.userId() + "/tokens", "{}").assertError(403, "PE-0028");
    }

    @Test
    void apiTokenCallersAreExemptButTheirOwnTokenAlwaysNeedsAFreshStepUp() {
        Enrolled admin = Enrolled.create(users, "TenantAdmin");
        Users.Identity target = users.create();
        Api.Reply created = admin.api().post("/api/users", NEW_USER.formatted(UUID.randomUUID()));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(admin.api().post("/api/users/" + target.userId() + "/tokens", "{}").status()).isEqualTo(200);
        assertThat(admin.api().delete("/api/users/" + created.string("userId")).status()).isEqualTo(204);

        // Its own token, over the admin endpoint: exactly as POST /api/me/tokens.
        admin.api().post("/api/users/" + admin.userId() + "/tokens", "{}").assertError(403, "PE-0028");
        String completion = ApplicationsIT.completionOf(admin.stepUp());
        admin.api().post("/api/users/" + admin.userId() + "/tokens", "{}").assertError(403, "PE-0028");
        Api.Reply own = admin.api().header("Cookie", "STEPUP_COMPLETION=" + completion)
                .post("/api/users/" + admin.userId() + "/tokens", "{}");
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
    }

    @Test
    void bearerAdminsStepUpToo() {
        Api bearer = api.header("Authorization", "Bearer " + Jwts.signed(
                Jwts.claims("jwt-admin-" + UUID.randomUUID() + "@example.com", "TenantAdmin").build()));
        Api.Reply refused = bearer.post("/api/users", NEW_USER.formatted(UUID.randomUUID()));
        refused.assertError(403, "PE-0028");
        assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer error=\"insufficient_user_authentication\"")
                .endsWith("max_age=1800");
    }

    @Test
    void anIdentityManagerCannotResetATenantAdmin() {
        Api manager = api.token(users.service("IdentityManager"));
        Enrolled tenantAdmin = Enrolled.create(users, "TenantAdmin");
        Enrolled plain = Enrolled.create(users);
        manager.delete("/api/mfa/admin/registrations/TOTP/users/" + tenantAdmin.userId()).assertError(403, "AU-0403");
        manager.patch("/api/users/" + tenantAdmin.userId() + "/resetmfa", null).assertError(403, "AU-0403");
        assertThat(tenantAdmin.api().get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("REGISTERED");
        assertThat(manager.delete("/api/mfa/admin/registrations/TOTP/users/" + plain.userId()).status()).isEqualTo(204);
        // A TenantAdmin may.
        assertThat(users.admin().patch("/api/users/" + tenantAdmin.userId() + "/resetmfa", null).status()).isEqualTo(204);
        assertThat(tenantAdmin.api().get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("UNREGISTERED");
    }

    @Test
    void anAdminResetEndsTheUsersBrowserSessions() {
        String password = "reset ends sessions " + UUID.randomUUID();
        Enrolled user = Enrolled.of(users, users.createWithPassword(password));
        Api session = Sessions.signIn(api, user.identity().username(), password);
        assertThat(session.get("/api/me").status()).isEqualTo(200);
        assertThat(users.admin().delete("/api/mfa/admin/registrations/TOTP/users/" + user.userId()).status()).isEqualTo(204);
        session.get("/api/me").assertError(401, "AU-0000");
        assertThat(user.api().get("/api/me").status()).as("the API token stays").isEqualTo(200);
    }

    @Test
    void startingAnEnrolmentOverASessionNeedsARecentPassword() throws Exception {
        String password = "recent password " + UUID.randomUUID();
        Users.Identity user = users.createWithPassword(password);
        Api session = Sessions.signIn(api, user.username(), password);
        String generate = "{\"action\":\"GENERATE_SECRET\"}";
        assertThat(session.post("/api/mfa/register/TOTP", generate).status()).as("right after sign-in").isEqualTo(200);

        CredentialRows.agePasswordConfirmation(user.userId(), 6);
        session.post("/api/mfa/register/TOTP", generate).assertError(403, "AU-0006");
        assertThat(api.token(user.token()).post("/api/mfa/register/TOTP", generate).status())
                .as("an API token is not covered").isEqualTo(200);

        session.post("/api/session/confirm", "{\"password\":\"wrong\"}").assertError(401, "AU-0000");
        try (var db = TestDatabase.connect()) {
            assertThat(SignInRows.failures(db, user.username())).as("counted like a failed sign-in").isEqualTo(1);
        }
        assertThat(session.post("/api/session/confirm", "{\"password\":\"" + password + "\"}").status()).isEqualTo(204);
        assertThat(session.post("/api/mfa/register/TOTP", generate).status()).isEqualTo(200);
        session.header("X-CSRF-Token", "").post("/api/session/confirm", "{\"password\":\"" + password + "\"}")
                .assertError(403, "AU-0005");
        api.token(user.token()).post("/api/session/confirm", "{\"password\":\"" + password + "\"}").assertError(403, "AU-0403");

        // Registered: the answer is MFA-0002, whatever the password's age.
        Enrolled registered = Enrolled.of(users, user);
        CredentialRows.agePasswordConfirmation(user.userId(), 6);
        session.post("/api/mfa/register/TOTP", generate).assertError(409, "MFA-0002");
        assertThat(registered.userId()).isEqualTo(user.userId());
    }

    /** A TenantAdmin with a password, an enrolled authenticator and a browser session. */
    record Admin(Enrolled enrolled, Api session) {

        static Admin withSession(Users users, Api api) {
            String password = "guarded admin " + UUID.randomUUID();
            Enrolled enrolled = Enrolled.of(users, users.createWithPassword(password, "TenantAdmin"));
            return new Admin(enrolled, Sessions.signIn(api, enrolled.identity().username(), password));
        }

        /** Steps up in the session; returns the completion ID. */
        String stepUp() {
            return ApplicationsIT.completionOf(session.post("/api/step-up/authenticate/TOTP",
                    "{\"otp\":\"" + enrolled.nextCode() + "\"}"));
        }
    }
}
