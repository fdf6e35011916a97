package dev.stepup.it;

import java.util.UUID;

/** Creates identities and tokens through the API, as an administrator would. */
public final class Users {

    private final Api admin;

    public Users(Api anonymous) {
        this.admin = anonymous.token(TestDatabase.ADMIN_TOKEN);
    }

    public Api admin() {
        return admin;
    }

    /** A new user with the given roles; returns its id and an API token for it. */
    public Identity create(String... roles) {
        String username = "user-" + UUID.randomUUID();
        StringBuilder roleJson = new StringBuilder();
        for (String role : roles) {
            roleJson.append(roleJson.length() == 0 ? "" : ",").append("{\"name\":\"").append(role).append("\"}");
        }
        Api.Reply created = admin.post("/api/users", """
                {"type":"User","username":"%s","email":"%s@example.com","firstName":"Test","lastName":"User",
                 "status":"active","adminRoles":[%s]}""".formatted(username, username, roleJson));
        if (created.status() != 200) {
            throw new AssertionError("Could not create user: " + created);
        }
        String userId = created.string("userId");
        Api.Reply token = admin.post("/api/users/" + userId + "/tokens", "{\"tokenExpirationDays\":1}");
        if (token.status() != 200) {
            throw new AssertionError("Could not create token: " + token);
        }
        return new Identity(userId, username, token.string("token"));
    }

    public record Identity(String userId, String username, String token) {
    }
}
