package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's own lines of the audit trail, read over the API as a TenantAdmin: filtered by the
 * user, so that a test counts its own rows only, whatever other tests audit meanwhile.
 */
public final class AuditLines {

    private AuditLines() {
    }

    /** The {@code "TYPE OUTCOME"} of the user's audit lines of this type, oldest first. */
    public static List<String> of(Users users, String userId, String type) {
        Api.Reply audit = users.admin().get("/api/audit?size=1000&userId=" + userId + "&type=" + type);
        assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (JsonObject line : audit.json().getJsonArray("data").getValuesAs(JsonObject.class)) {
            lines.add(0, line.getString("type") + " " + line.getString("outcome"));
        }
        return lines;
    }
}
