package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change of the tenant's step-up configuration that the whole server shares, undone on
 * {@link #close()}: the configuration as it was before goes back, so that no other test
 * meets it.
 */
public final class TenantConfiguration implements AutoCloseable {

    private final Api admin;
    private final String before;
    private final Api.Reply answer;

    private TenantConfiguration(Api admin, String before, Api.Reply answer) {
        this.admin = admin;
        this.before = before;
        this.answer = answer;
    }

    /** Posts {@code json} as the configuration; its answer must be 200. */
    public static TenantConfiguration change(Api admin, String json) {
        Api.Reply current = admin.get("/api/step-up/configuration");
        assertThat(current.status()).as(current.toString()).isEqualTo(200);
        Api.Reply changed = admin.post("/api/step-up/configuration", json);
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        return new TenantConfiguration(admin, current.body(), changed);
    }

    /** The server's answer to the change: the stored configuration. */
    public Api.Reply answer() {
        return answer;
    }

    /** The default configuration with another time step for new enrolments. */
    public static TenantConfiguration timeStep(Api admin, int seconds) {
        return change(admin, """
                {"validationWindow":30,"completedCookieMaxAge":5,
                 "totpConfiguration":{"hashFunction":"SHA1","digits":6,"timeStep":%d}}""".formatted(seconds));
    }

    /** The default configuration with another completion cookie lifetime. */
    public static TenantConfiguration cookieMaxAge(Api admin, int seconds) {
        return change(admin, """
                {"validationWindow":30,"completedCookieMaxAge":%d,
                 "totpConfiguration":{"hashFunction":"SHA1","digits":6,"timeStep":30}}""".formatted(seconds));
    }

    /** Runs {@code body} under this configuration, then restores the one before. */
    public void during(Runnable body) {
        try {
            body.run();
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        Api.Reply restored = admin.post("/api/step-up/configuration", before);
        assertThat(restored.status()).as("restoring the configuration: " + restored).isEqualTo(200);
    }
}
