package dev.stepup.platform.control;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The datasource class behind {@link Database}: one class for every supported database,
 * so that the JDBC URL alone, given at start, chooses H2 or PostgreSQL. The container
 * pools its connections. The drivers are bundled in the WAR and called directly,
 * because {@code DriverManager} does not see drivers of a web application's class loader.
 */
public class UrlDataSource implements DataSource {

    /**
     * What a new PostgreSQL connection is set to. It plans each prepared statement once, for
     * any values: the verification's statements look rows up by key, where the plan does not
     * depend on the values, and PostgreSQL's default planned some of them again on every
     * execution (in SQL alone, the planning cost a wrong code's statements more CPU than running
     * them). And no JIT compilation, which such a plan's estimate for a range (a clean-up's
     * {@code bucket < ?}) would set off on every run: 0.3 s of compiling for a statement that
     * runs in 1.4 ms. Set by a statement rather than in the driver's startup {@code options},
     * which connection poolers such as PgBouncer refuse; not set at all if the URL gives
     * {@code options} itself.
     */
    static final String POSTGRESQL_SETTINGS = "set plan_cache_mode = force_generic_plan; set jit = off";

    private String url;
    private String user;
    private String password;
    private PrintWriter logWriter;
    private int loginTimeout;

    public void setUrl(String url) {
        this.url = resolve(url, "stepup.db.url");
    }

    public void setURL(String url) {
        setUrl(url);
    }

    public String getUrl() {
        return url;
    }

    public String getURL() {
        return url;
    }

    public void setUser(String user) {
        this.user = resolve(user, "stepup.db.user");
    }

    public String getUser() {
        return user;
    }

    public void setPassword(String password) {
        this.password = resolve(password, "stepup.db.password");
    }

    /**
     * Payara resolves {@code ${MPCONFIG=stepup.db.url}} in {@link Database}'s definition and
     * hands over the value. WildFly reads the same text as its own expression, a property
     * {@code MPCONFIG} with the default {@code stepup.db.url}, and hands over the key; then
     * (or when nothing came at all) the value is read from MicroProfile Config here.
     */
    static String resolve(String given, String key) {
        if (given != null && !given.isBlank() && !given.equals(key) && !given.startsWith("${")) {
            return given;
        }
        return ConfigProvider.getConfig(UrlDataSource.class.getClassLoader()).getOptionalValue(key, String.class)
                .orElse(null);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String givenUser, String givenPassword) throws SQLException {
        // WildFly passes the definition's user and password here, unresolved like the URL.
        String username = resolve(givenUser, "stepup.db.user");
        String pass = resolve(givenPassword, "stepup.db.password");
        Properties properties = new Properties();
        if (username != null && !username.isBlank()) {
            properties.setProperty("user", username);
        }
        if (pass != null && !pass.isBlank()) {
            properties.setProperty("password", pass);
        }
        Driver driver = driver();
        if (driver instanceof org.postgresql.Driver) {
            // No bound values in an error's message (a failed batch of codes is logged, and its
            // rows hold token hashes); a parameter of the URL overrides it.
            properties.setProperty("logServerErrorDetail", "false");
        }
        embeddedDirectory(url).ifPresent(DataDirectory::ensurePrivate);
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("The driver does not accept the configured stepup.db.url");
        }
        if (driver instanceof org.postgresql.Driver && !url.contains("options=")) {
            try (Statement settings = connection.createStatement()) {
                settings.execute(POSTGRESQL_SETTINGS);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    private Driver driver() throws SQLException {
        if (url == null) {
            throw new SQLException("No database URL configured (stepup.db.url)");
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return new org.postgresql.Driver();
        }
        if (url.startsWith("jdbc:h2:")) {
            return new org.h2.Driver();
        }
        throw new SQLException("Unsupported database URL; StepUp supports jdbc:postgresql: and jdbc:h2:");
    }

    /**
     * The directory of an embedded H2 database in files ({@code jdbc:h2:file:./stepup-data/stepup;...}
     * or {@code jdbc:h2:./...}), which StepUp creates owner-only before H2 creates it with the
     * umask's permissions; empty for PostgreSQL and for H2 in memory or over the network.
     */
    static Optional<Path> embeddedDirectory(String url) {
        if (url == null || !url.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String database = url.substring("jdbc:h2:".length());
        int options = database.indexOf(';');
        database = options < 0 ? database : database.substring(0, options);
        if (database.startsWith("file:")) {
            database = database.substring("file:".length());
        } else if (database.startsWith("mem:") || database.startsWith("tcp:") || database.startsWith("ssl:")
                || database.startsWith("zip:") || database.isEmpty()) {
            return Optional.empty();
        }
        if (database.startsWith("~")) {
            database = System.getProperty("user.home") + database.substring(1);
        }
        Path parent = Path.of(database).toAbsolutePath().normalize().getParent();
        return Optional.ofNullable(parent);
    }

    /** The database product the URL names, as Flyway and the health check want it. */
    public static boolean isEmbedded(String url) {
        return url != null && url.startsWith("jdbc:h2:");
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("Not a wrapper for " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
