package dev.stepup.health.control;

import dev.stepup.platform.control.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Ready when a pooled connection to the database answers within two seconds. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    // Through the Database bean, not a datasource of its own: WildFly calls health checks
    // on its management threads, where the application's java:app names are not bound.
    @Inject
    Database database;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("database").status(database.answers(2)).build();
    }

    /** Alive as long as the application answers; the database is readiness, not liveness. */
    @Liveness
    @ApplicationScoped
    public static class Alive implements HealthCheck {
        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.up("stepup");
        }
    }
}
