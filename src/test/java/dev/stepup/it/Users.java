package dev.stepup.it;

import java.util.UUID;

/**
 * Creates identities and tokens through the API, as an administrator would; each with a name
 * of its own, so that no test meets another's users.
 */
public final class Users {

    private final Api anonymous;
    private final Api admin;
    private final Database database;

    /** The users of the shared server, on the shared database. */
    public Users(Api anonymous) {
        this(anonymous, TestDatabase.shared());
    }

    /** The users of a server of its own on {@code database}, with the same bootstrap admin token. */
    public Users(Api anonymous, Database database) {
        this.anonymous = anonymous;
        this.admin = anonymous.token(TestDatabase.ADMIN_TOKEN);
        this.database = database;
    }

    public Api admin() {
        return admin;
    }

    /** The server, without credentials. */
    public Api anonymous() {
        return anonymous;
    }

    /** The server's database, for the test's own rows. */
    public Database database() {
        return database;
    }

    /** A new user with the given roles; returns its id and an API token for it. */
    public Identity create(String... roles) {
        return createWithPassword(null, roles);
    }

    /** A new user that can also sign in to the web UI with {@code password} (none if null). */
    public Identity createWithPassword(String password, String... roles) {
        String username = "user-" + UUID.randomUUID();
        String roleJson = roles(roles);
        String passwordJson = password == null ? "" : "\"password\":\"" + password + "\",";
        Api.Reply created = admin.post("/api/users", """
                {"type":"User","username":"%s","email":"%s@example.com","firstName":"Test","lastName":"User",%s
                 "status":"active","adminRoles":[%s]}""".formatted(username, username, passwordJson, roleJson));
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

    /** A service identity with the given roles; returns an API token for it. */
    public String service(String... roles) {
        Api.Reply created = admin.post("/api/users", "{\"type\":\"ServiceIdentity\",\"name\":\"svc-" + UUID.randomUUID()
                + "\",\"status\":\"active\",\"adminRoles\":[" + roles(roles) + "]}");
        if (created.status() != 200) {
            throw new AssertionError("Could not create service identity: " + created);
        }
        return admin.post("/api/users/" + created.string("userId") + "/tokens", null).string("token");
    }

    /** {@code adminRoles} entries: {@code {"name":"TenantAdmin"},...} */
    private static String roles(String... roles) {
        StringBuilder json = new StringBuilder();
        for (String role : roles) {
            json.append(json.length() == 0 ? "" : ",").append("{\"name\":\"").append(role).append("\"}");
        }
        return json.toString();
    }

    public record Identity(String userId, String username, String token) {
    }
}
