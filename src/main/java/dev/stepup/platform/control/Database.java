package dev.stepup.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The one datasource, chosen at start by {@code stepup.db.url} (H2 files under the data
 * directory by default, PostgreSQL in production), and its schema, migrated by Flyway
 * before anything else touches it. Other startup beans depend on this one.
 */
@DataSourceDefinition(
        name = Database.JNDI_NAME,
        className = "dev.stepup.platform.control.UrlDataSource",
        url = "${MPCONFIG=stepup.db.url}",
        user = "${MPCONFIG=stepup.db.user}",
        password = "${MPCONFIG=stepup.db.password}",
        minPoolSize = 2,
        maxPoolSize = 32,
        maxIdleTime = 300,
        properties = {
            "fish.payara.is-connection-validation-required=true",
            "fish.payara.connection-validation-method=auto-commit",
            "fish.payara.fail-all-connections=true",
            // One user for every connection: no matching of a free connection to the caller's
            // credentials on every getConnection.
            "fish.payara.match-connections=false",
            "fish.payara.max-wait-time-in-millis=${MPCONFIG=stepup.db.pool.max-wait-millis}"
        })
@Startup
@Singleton
@TransactionManagement(TransactionManagementType.BEAN)
public class Database {

    public static final String JNDI_NAME = "java:app/jdbc/stepup";

    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    @Resource(lookup = JNDI_NAME)
    DataSource dataSource;

    /** Found at start, from the database's own product name: PostgreSQL, else H2. */
    private boolean postgres;

    @PostConstruct
    void migrate() {
        postgres = isPostgresProduct();
        MigrateResult result = Flyway.configure(Database.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration", "classpath:db/" + (postgres ? "postgresql" : "h2"))
                .load()
                .migrate();
        // Flyway names no target version when nothing was applied: the version is the initial one then.
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.info(() -> "Database schema at version " + version + " (" + result.migrationsExecuted + " migrations applied now)");
    }

    /** Whether a pooled connection answers within {@code seconds}: the readiness check. */
    @Lock(LockType.READ)
    public boolean answers(int seconds) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(seconds);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Whether the database is PostgreSQL (else H2, the embedded default): which migrations
     * only one of them runs (triggers), and how a code's lock is taken ({@code CodeUses}).
     */
    @Lock(LockType.READ)
    public boolean isPostgres() {
        return postgres;
    }

    private boolean isPostgresProduct() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("The database cannot be reached", e);
        }
    }
}
