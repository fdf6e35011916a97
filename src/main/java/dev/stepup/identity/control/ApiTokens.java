package dev.stepup.identity.control;

import dev.stepup.identity.entity.ApiToken;
import dev.stepup.identity.entity.IdentityStatus;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.Database;
import dev.stepup.platform.control.Grouped;
import dev.stepup.platform.control.HousekeepingDue;
import dev.stepup.platform.control.Secrets;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Issues API tokens (one per identity, shown once, stored as a hash) and finds the identity
 * a token belongs to.
 */
@ApplicationScoped
public class ApiTokens {

    /**
     * A token's last use is written at most this often, to keep authentication read-only: an
     * hour, against the 90 days (by default) that an unused token lives.
     */
    static final Duration LAST_USE_RESOLUTION = Duration.ofHours(1);

    static final String PREFIX = "stp_";

    private static final Logger LOG = Logger.getLogger(ApiTokens.class.getName());

    public static final int MAX_EXPIRATION_DAYS = 90;

    @PersistenceContext
    EntityManager em;

    @Resource(lookup = Database.JNDI_NAME)
    DataSource dataSource;

    @Inject
    Clock clock;

    @Inject
    Event<IdentityChanged> changes;

    /**
     * The most token checks read in one statement: twice the README's 16 request threads, so
     * that only a server given more threads sees a check read alone.
     */
    static final int MOST_TOGETHER = 32;

    /** The token checks of concurrent requests, read together. */
    private final Grouped<String, Optional<Found>> lookups = new Grouped<>("API token checks", MOST_TOGETHER, this::find);

    /** This bean through its proxy, so that {@link #recordUse} and {@link #purgeUnused} get their own transactions. */
    @Inject
    ApiTokens self;

    /** Tokens unused for longer than any token can live plus this many days are removed. */
    @Inject
    @ConfigProperty(name = "stepup.housekeeping.token.grace.days", defaultValue = "30")
    long graceDays;

    /**
     * Creates or replaces the identity's token and returns its value, the only time it is
     * seen; empty if the identity is gone.
     */
    public Optional<String> issue(UserId identity, int expirationDays, UserId actor) {
        String token = PREFIX + Secrets.randomToken(32);
        return install(identity, token, expirationDays, actor) ? Optional.of(token) : Optional.empty();
    }

    /**
     * Makes {@code token} the identity's token, replacing any other; false if the identity is
     * gone. The identity's row is locked first, so two replacements at once run one after the
     * other instead of both inserting after the same delete.
     */
    public boolean install(UserId identity, String token, int expirationDays, UserId actor) {
        if (em.createQuery("select i.id from Identity i where i.id = :id", String.class)
                .setParameter("id", identity.value())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList()
                .isEmpty()) {
            return false; // deleted a moment ago
        }
        em.createQuery("delete from ApiToken t where t.identityId = :id")
                .setParameter("id", identity.value())
                .executeUpdate();
        em.persist(new ApiToken(identity, Secrets.sha256(token), expirationDays, clock.instant()));
        changes.fire(new IdentityChanged(IdentityChanged.Kind.TOKEN_CREATED, actor, identity));
        return true;
    }

    /**
     * An active identity as its token found it: its id, name and granted roles, the stored
     * hash of the token (which names the credential) and the token's last use as read.
     */
    public record Authenticated(UserId id, String username, Set<String> roles, String tokenHash, Instant lastUsedAt) {
    }

    /**
     * The active identity the token belongs to, if the token is known and unexpired. Read on
     * every request in plain JDBC, outside any transaction (no entity is made and nothing is
     * committed), in one statement with the checks of other requests that arrive while one
     * runs ({@link Grouped}): each read starts after its request came. The last use is
     * written, at most once an hour, in a transaction of its own.
     */
    public Optional<Authenticated> authenticate(String token) {
        if (!isWellFormed(token)) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(token);
        Optional<Found> found = lookups.run(hash).orElseGet(() -> find(List.of(hash)).get(0).orElseThrow());
        Optional<Authenticated> identity = check(hash, found.orElse(null), clock.instant());
        identity.ifPresent(this::noteUse);
        return identity;
    }

    /** Whether {@code token} may be a token at all (its hash is worth looking up). */
    public static boolean isWellFormed(String token) {
        return token != null && !token.isBlank() && token.length() <= 100;
    }

    /**
     * The active identity that the token of {@code hash}, as {@link #READ} found it ({@code found};
     * null: no such token), authenticates at {@code now}: empty if the token is unknown or
     * expired, or its identity not active.
     */
    public static Optional<Authenticated> check(String hash, Found found, Instant now) {
        if (found == null || !found.active() || ApiToken.isExpired(found.lastUsedAt(), found.expirationDays(), now)) {
            return Optional.empty();
        }
        return Optional.of(new Authenticated(found.id(), found.username(), Set.copyOf(found.roles()), hash,
                found.lastUsedAt()));
    }

    /**
     * Writes the last use of {@code identity}'s token if the one read is older than
     * {@link #LAST_USE_RESOLUTION}, in a transaction of its own; a failure is logged, not
     * thrown (the token is valid, and the next request tries again).
     */
    public void noteUse(Authenticated identity) {
        Instant now = clock.instant();
        if (identity.lastUsedAt().plus(LAST_USE_RESOLUTION).isBefore(now)) {
            try {
                self.recordUse(identity.id(), now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not record an API token's last use", e);
            }
        }
    }

    /**
     * A token's row as read: its last use and lifetime, and its identity with the identity's
     * roles (filled while the rows are read, not changed after).
     */
    public record Found(Instant lastUsedAt, int expirationDays, UserId id, String username, boolean active,
                        Set<String> roles) {
    }

    /**
     * The tokens whose hashes are in an array parameter, each with its identity and the
     * identity's roles (a row per role), for {@link #read}: a statement of its own, or one of
     * a caller's round trip (the batches of step-up codes read the tokens of their requests).
     */
    public static final String READ = "select t.token_hash, t.last_used_at, t.expiration_days, i.id, i.username,"
            + " i.status, r.role from api_token t join identity i on i.id = t.identity_id"
            + " left join identity_role r on r.identity_id = i.id where t.token_hash = any (?)";

    /** The ids of the identities whose tokens' hashes are in an array parameter (a query for a caller's statement). */
    public static final String OWNERS = "select t.identity_id from api_token t where t.token_hash = any (?)";

    /**
     * Binds the one parameter of {@link #READ} or of {@link #OWNERS}, at {@code index}, to the
     * token hashes {@code hashes}; returns the index after it.
     */
    public static int bindHashes(PreparedStatement statement, int index, List<String> hashes) throws SQLException {
        statement.setArray(index, statement.getConnection().createArrayOf("varchar", hashes.toArray()));
        return index + 1;
    }

    /** The tokens that {@link #READ} found in {@code rows}, by hash. */
    public static Map<String, Found> read(ResultSet rows) throws SQLException {
        Map<String, Found> found = new HashMap<>();
        while (rows.next()) {
            String hash = rows.getString(1);
            Found token = found.get(hash);
            if (token == null) {
                // getTimestamp, not getObject(.., OffsetDateTime.class): Payara's wrapper calls the latter by reflection.
                token = new Found(rows.getTimestamp(2).toInstant(), rows.getInt(3), new UserId(rows.getString(4)),
                        rows.getString(5), IdentityStatus.active.name().equals(rows.getString(6)), new HashSet<>());
                found.put(hash, token);
            }
            String role = rows.getString(7);
            if (role != null) {
                token.roles().add(role);
            }
        }
        return found;
    }

    /**
     * The tokens of the hashes {@code hashes} ({@link #READ}): for each hash in order, what was
     * found (empty: no such token). Each answer is present: the group's work settles every item.
     */
    private List<Optional<Optional<Found>>> find(List<String> hashes) {
        Map<String, Found> found;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(READ)) {
            bindHashes(query, 1, hashes);
            try (ResultSet rows = query.executeQuery()) {
                found = read(rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the API tokens", e);
        }
        return hashes.stream()
                .map(hash -> Optional.of(Optional.ofNullable(found.get(hash))))
                .toList();
    }

    /** Writes a token's last use (which the expiry of unused tokens counts from). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void recordUse(UserId identity, Instant now) {
        em.createQuery("update ApiToken t set t.lastUsedAt = :now where t.identityId = :id")
                .setParameter("now", now)
                .setParameter("id", identity.value())
                .executeUpdate();
    }

    void housekeeping(@Observes HousekeepingDue due) {
        Duration unused = Duration.ofDays(MAX_EXPIRATION_DAYS + graceDays);
        due.clean("expired API tokens", () -> self.purgeUnused(due.now().minus(unused)));
    }

    /** Removes tokens last used before {@code before}; returns how many. */
    @Transactional
    public int purgeUnused(Instant before) {
        return em.createQuery("delete from ApiToken t where t.lastUsedAt < :before")
                .setParameter("before", before)
                .executeUpdate();
    }
}
