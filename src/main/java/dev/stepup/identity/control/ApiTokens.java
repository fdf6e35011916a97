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
     * An active identity as its token found it: its id, name and granted roles, and the stored
     * hash of the token (which names the credential).
     */
    public record Authenticated(UserId id, String username, Set<String> roles, String tokenHash) {
    }

    /**
     * The active identity the token belongs to, if the token is known and unexpired. Read on
     * every request in plain JDBC, outside any transaction (no entity is made and nothing is
     * committed), in one statement with the checks of other requests that arrive while one
     * runs ({@link Grouped}): each read starts after its request came. The last use is
     * written, at most once an hour, in a transaction of its own.
     */
    public Optional<Authenticated> authenticate(String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String hash = Secrets.sha256(token);
        Optional<Found> found = lookups.run(hash).orElseGet(() -> find(List.of(hash)).get(0).orElseThrow());
        if (found.isEmpty() || !found.get().active() || ApiToken.isExpired(found.get().lastUsedAt(), found.get().expirationDays(), now)) {
            return Optional.empty();
        }
        Found identity = found.get();
        if (identity.lastUsedAt().plus(LAST_USE_RESOLUTION).isBefore(now)) {
            try {
                self.recordUse(identity.id(), now);
            } catch (RuntimeException e) {
                // The token is valid; a failed bookkeeping write must not refuse the request.
                // The next request tries again.
                LOG.log(Level.WARNING, "Could not record an API token's last use", e);
            }
        }
        return Optional.of(new Authenticated(identity.id(), identity.username(), Set.copyOf(identity.roles()), hash));
    }

    /**
     * A token's row as read: its last use and lifetime, and its identity with the identity's
     * roles (filled while the rows are read, not changed after).
     */
    private record Found(Instant lastUsedAt, int expirationDays, UserId id, String username, boolean active,
                         Set<String> roles) {
    }

    /**
     * The tokens of the hashes {@code hashes}, each with its identity and the identity's roles,
     * in one statement (a row per role): for each hash in order, what was found (empty: no such
     * token). Each answer is present: the group's work settles every item.
     */
    private List<Optional<Optional<Found>>> find(List<String> hashes) {
        Map<String, Found> found = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("select t.token_hash, t.last_used_at,"
                     + " t.expiration_days, i.id, i.username, i.status, r.role from api_token t"
                     + " join identity i on i.id = t.identity_id left join identity_role r on r.identity_id = i.id"
                     + " where t.token_hash = any (?)")) {
            query.setArray(1, connection.createArrayOf("varchar", hashes.toArray()));
            try (ResultSet rows = query.executeQuery()) {
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
