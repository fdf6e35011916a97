package dev.stepup.identity.control;

import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.IdentityStatus;
import dev.stepup.identity.entity.IdentityType;
import dev.stepup.identity.entity.Role;
import dev.stepup.identity.entity.UserId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Creates, finds, lists and deletes users and service identities. */
@ApplicationScoped
public class Identities {

    /**
     * Names that are stored and shown: no control character (PostgreSQL refuses a NUL) and
     * no unpaired surrogate, which PostgreSQL's driver would write as {@code ?}, so that the
     * name would be stored, and found, as another.
     */
    public static final String PLAIN_TEXT = "[^\\p{Cntrl}\\p{Cs}]*";

    /** The message of {@link #PLAIN_TEXT}, after the field's name. */
    public static final String NOT_PLAIN_TEXT = " must not contain control characters or unpaired surrogates";

    private static final Pattern PLAIN = Pattern.compile(PLAIN_TEXT);

    public static boolean isPlainText(String text) {
        return PLAIN.matcher(text).matches();
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    PasswordHashes passwords;

    @Inject
    Clock clock;

    @Inject
    Event<IdentityChanged> changes;

    public Creation create(NewIdentity request, UserId actor) {
        if (findByUsername(request.username()).isPresent()) {
            return new Creation.NameTaken();
        }
        Identity identity = new Identity(UserId.random(), request.type(), request.username(), request.status(),
                request.roles(), clock.instant());
        identity.describe(request.email(), request.firstName(), request.lastName());
        if (request.password() != null) {
            identity.passwordHash(passwords.hash(request.password()));
        }
        em.persist(identity);
        try {
            em.flush();
        } catch (PersistenceException e) {
            return new Creation.NameTaken(); // made at the same moment by another request
        }
        changes.fire(new IdentityChanged(IdentityChanged.Kind.CREATED, actor, identity.id()));
        return new Creation.Created(identity);
    }

    public Optional<Identity> find(UserId id) {
        return Optional.ofNullable(em.find(Identity.class, id.value()));
    }

    public Optional<Identity> findByUsername(String username) {
        return em.createQuery("select i from Identity i where i.username = :username", Identity.class)
                .setParameter("username", username)
                .getResultStream()
                .findFirst();
    }

    public List<Identity> list(int offset, int size) {
        return em.createQuery("select i from Identity i order by i.id", Identity.class)
                .setFirstResult(offset)
                .setMaxResults(size)
                .getResultList();
    }

    /** The usernames (or service names) of these identity ids; a deleted one is missing. */
    public Map<String, String> usernames(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, String> names = new HashMap<>();
        em.createQuery("select i.id, i.username from Identity i where i.id in :ids", Object[].class)
                .setParameter("ids", ids)
                .getResultStream()
                .forEach(row -> names.put((String) row[0], (String) row[1]));
        return names;
    }

    public long count() {
        return em.createQuery("select count(i) from Identity i", Long.class).getSingleResult();
    }

    /** What deleting an identity came to. */
    public enum Deletion {
        DELETED, NOT_FOUND, LAST_TENANT_ADMIN
    }

    /**
     * Deletes the identity (the database removes its token, registration, codes and sessions
     * with the row), unless it is the last active TenantAdmin: that would leave nobody to
     * administer StepUp. The rows of the active TenantAdmins are locked first, in one order, so
     * that two admins deleting each other at the same moment, on any instances, run one after
     * the other and the second finds it would delete the last one.
     */
    public Deletion delete(UserId id, UserId actor) {
        @SuppressWarnings("unchecked")
        List<String> admins = em.createNativeQuery("select id from identity where status = 'active' and id in"
                        + " (select identity_id from identity_role where role = ?1) order by id for update")
                .setParameter(1, Role.TENANT_ADMIN)
                .getResultList();
        if (admins.size() == 1 && admins.contains(id.value())) {
            return Deletion.LAST_TENANT_ADMIN;
        }
        if (em.createQuery("delete from Identity i where i.id = :id").setParameter("id", id.value()).executeUpdate() == 0) {
            return Deletion.NOT_FOUND;
        }
        changes.fire(new IdentityChanged(IdentityChanged.Kind.DELETED, actor, id));
        return Deletion.DELETED;
    }

    /** True if the identity holds the TenantAdmin role in StepUp (not only in a JWT). */
    public boolean isTenantAdmin(UserId id) {
        return find(id).map(identity -> identity.roles().contains(Role.TENANT_ADMIN)).orElse(false);
    }

    public boolean tenantAdminExists() {
        return !em.createQuery("select i.id from Identity i join i.roles r where r = :role", String.class)
                .setParameter("role", Role.TENANT_ADMIN)
                .setMaxResults(1)
                .getResultList()
                .isEmpty();
    }

    /**
     * The local user with a password of this name, in one statement whether it exists or
     * not, and without a lock, so a known name costs what an unknown one does.
     */
    public Optional<LocalUser> localUser(String username) {
        return em.createQuery("select i.id, i.passwordHash, i.status from Identity i where i.username = :username"
                        + " and i.type = :user and i.source = 'local' and i.passwordHash is not null", Object[].class)
                .setParameter("username", username)
                .setParameter("user", IdentityType.User)
                .getResultList()
                .stream()
                .findFirst()
                .map(row -> new LocalUser(new UserId((String) row[0]), (String) row[1], row[2] == IdentityStatus.active));
    }

    /**
     * The identity with its row locked until the transaction ends, so that a deletion waits
     * for whatever the caller is about to hang on it. The lock is taken on the identity's row
     * alone: locking in em.find would join the eagerly fetched roles, which Hibernate then
     * locks in a second select and warns.
     */
    public Optional<Identity> lock(UserId id) {
        return em.createQuery("select i.id from Identity i where i.id = :id", String.class)
                .setParameter("id", id.value())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList()
                .stream()
                .findFirst()
                .map(locked -> em.find(Identity.class, locked));
    }

    public void setPassword(Identity identity, char[] password) {
        identity.passwordHash(passwords.hash(password));
    }

    /**
     * After a successful check: a hash made with other parameters than today's (Jakarta's
     * 2 048 iterations, say) is made again while the password is at hand.
     */
    public void upgradeHash(Identity identity, char[] password) {
        if (!passwords.isCurrent(identity.passwordHash())) {
            identity.passwordHash(passwords.hash(password));
        }
    }
}
