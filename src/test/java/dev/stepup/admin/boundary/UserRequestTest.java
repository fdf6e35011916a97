package dev.stepup.admin.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UserRequestTest {

    @Test
    void toStringNamesTheUserButNeverThePassword() {
        UserRequest request = new UserRequest("User", "ada", null, "ada@example.com", "Ada", "Lovelace",
                "analytical-engine-1843", "active", List.of(new UserRequest.RoleName("TenantAdmin")));

        assertThat(request.toString()).contains("ada@example.com").contains("TenantAdmin")
                .doesNotContain("analytical-engine-1843");
    }
}
