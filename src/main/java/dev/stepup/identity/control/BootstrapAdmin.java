package dev.stepup.identity.control;

import dev.stepup.identity.entity.IdentityStatus;
import dev.stepup.identity.entity.IdentityType;
import dev.stepup.identity.entity.Role;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.DataDirectory;
import dev.stepup.platform.control.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Creates the bootstrap TenantAdmin, and the example applications' verifier if one is
 * configured, in its own transaction; see {@link Bootstrap}.
 */
@ApplicationScoped
public class BootstrapAdmin {

    static final String ADMIN = "admin";
    static final String TOKEN_FILE = "admin-token";
    static final String PASSWORD_FILE = "admin-password";
    /** The service identity of {@code STEPUP_BOOTSTRAP_VERIFIER_TOKEN}: the example applications' verifier. */
    static final String VERIFIER = "example-verifier";
    /** The fewest characters a configured bootstrap token or password may have. */
    static final int MIN_CONFIGURED = 20;

    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class.getName());

    @Inject
    Identities identities;

    @Inject
    ApiTokens tokens;

    @Inject
    DataDirectory dataDirectory;

    @Inject
    @ConfigProperty(name = "stepup.bootstrap.admin.token")
    Optional<String> configuredToken;

    @Inject
    @ConfigProperty(name = "stepup.bootstrap.admin.password")
    Optional<String> configuredPassword;

    @Inject
    @ConfigProperty(name = "stepup.bootstrap.verifier.token")
    Optional<String> configuredVerifierToken;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void createIfNone() {
        if (identities.tenantAdminExists()) {
            configuredPassword.ifPresent(this::setPasswordIfNone);
            tellIfVerifierNotMade();
            return;
        }
        if (identities.count() > 0) {
            // Every TenantAdmin lost the role outside the API (the last one cannot be deleted). Making 'admin' again would hand the service to
            // whoever holds the bootstrap token, which may be old and still in an env file.
            LOG.warning("No TenantAdmin exists, and the database is not new: the bootstrap admin 'admin' is not"
                    + " created again. To make a local user TenantAdmin: insert into identity_role (identity_id, role)"
                    + " values ('<userId>', 'TenantAdmin')");
            tellIfVerifierNotMade();
            return;
        }
        String password = configuredPassword.orElseGet(() -> Secrets.randomToken(12));
        Creation creation = identities.create(new NewIdentity(IdentityType.User, ADMIN, null, null, null,
                password.toCharArray(), IdentityStatus.active, Set.of(Role.TENANT_ADMIN)), null);
        if (!(creation instanceof Creation.Created created)) {
            throw new IllegalStateException("The bootstrap admin 'admin' could not be created: the name is taken");
        }
        UserId id = created.identity().id();
        if (configuredPassword.isEmpty()) {
            announce("web UI password", PASSWORD_FILE, password);
        }
        configuredVerifierToken.ifPresent(this::createVerifier);
        if (configuredToken.isPresent()) {
            tokens.install(id, configuredToken.get(), ApiTokens.MAX_EXPIRATION_DAYS, null);
            LOG.info("Bootstrap TenantAdmin 'admin' created with the token from STEPUP_BOOTSTRAP_ADMIN_TOKEN");
            return;
        }
        String token = tokens.issue(id, ApiTokens.MAX_EXPIRATION_DAYS, null).orElseThrow();
        announce("API token", TOKEN_FILE, token);
    }

    /**
     * Refuses a configured bootstrap token or password shorter than {@link #MIN_CONFIGURED}
     * characters: the start stops and says why. Checked on every start that has one, as the
     * value may be the admin's credential still.
     */
    public void refuseShortValues() {
        requireLength("STEPUP_BOOTSTRAP_ADMIN_TOKEN", configuredToken);
        requireLength("STEPUP_BOOTSTRAP_ADMIN_PASSWORD", configuredPassword);
        requireLength("STEPUP_BOOTSTRAP_VERIFIER_TOKEN", configuredVerifierToken);
    }

    static void requireLength(String variable, Optional<String> value) {
        if (value.isPresent() && value.get().length() < MIN_CONFIGURED) {
            throw new IllegalStateException(variable + " has " + value.get().length() + " characters; a configured"
                    + " bootstrap value needs at least " + MIN_CONFIGURED + " (for example: openssl rand -base64 24)."
                    + " StepUp does not start with a guessable admin credential");
        }
    }

    /**
     * A generated value goes to an owner-only file, and the log names only the file; the value
     * itself is logged (once) only where the file cannot be written, as the admin has no other
     * way in then.
     */
    private void announce(String what, String file, String value) {
        Path path = dataDirectory.path().resolve(file);
        if (keep(file, value)) {
            LOG.warning("Bootstrap TenantAdmin 'admin' created. Its " + what + " is in " + path
                    + " (readable by its owner only); it is not logged");
        } else {
            LOG.warning("Bootstrap TenantAdmin 'admin' created. Its " + what + ", shown once as " + path
                    + " cannot be written: " + value);
        }
    }

    /**
     * The service identity {@code example-verifier} with the role {@code StepUpVerifier} and
     * the configured token: what the example applications (and the guard of any application
     * beside StepUp) call StepUp with. On a new database only, like the admin.
     */
    private void createVerifier(String token) {
        Creation creation = identities.create(new NewIdentity(IdentityType.ServiceIdentity, VERIFIER, null, null, null,
                null, IdentityStatus.active, Set.of(Role.STEP_UP_VERIFIER)), null);
        if (!(creation instanceof Creation.Created created)) {
            throw new IllegalStateException("The bootstrap verifier '" + VERIFIER + "' could not be created: the name is taken");
        }
        tokens.install(created.identity().id(), token, ApiTokens.MAX_EXPIRATION_DAYS, null);
        LOG.info("Service identity '" + VERIFIER + "' (StepUpVerifier) created with the token from STEPUP_BOOTSTRAP_VERIFIER_TOKEN");
    }

    /** A verifier token given to a database made earlier: say how to make the verifier instead of making it. */
    private void tellIfVerifierNotMade() {
        if (configuredVerifierToken.isPresent() && identities.findByUsername(VERIFIER).isEmpty()) {
            LOG.warning("STEPUP_BOOTSTRAP_VERIFIER_TOKEN is set, but the service identity '" + VERIFIER + "' is made on a new"
                    + " database only, and this one was made before. Make a verifier with the admin API: POST /api/users"
                    + " {\"type\":\"ServiceIdentity\",\"name\":\"" + VERIFIER + "\",\"status\":\"active\",\"adminRoles\":"
                    + "[{\"name\":\"StepUpVerifier\"}]}, then POST /api/users/{userId}/tokens, and give its token to the"
                    + " applications as STEPUP_GUARD_TOKEN");
        }
    }

    /**
     * Writes the file, replacing one a start whose bootstrap did not commit may have left;
     * false where the data directory cannot be written (the log line then holds the value).
     */
    private boolean keep(String file, String value) {
        try {
            dataDirectory.replaceSecretFile(file, value);
            return true;
        } catch (java.io.UncheckedIOException e) {
            LOG.warning("Cannot write " + dataDirectory.path().resolve(file) + ": " + e.getCause());
            return false;
        }
    }

    /**
     * A data directory made before web sign-in existed, or without a password: the
     * configured password becomes the bootstrap admin's, if it has none yet.
     */
    private void setPasswordIfNone(String password) {
        identities.findByUsername(ADMIN)
                .filter(admin -> admin.passwordHash() == null && !admin.isExternal())
                .ifPresent(admin -> {
                    identities.setPassword(admin, password.toCharArray());
                    LOG.info("Bootstrap TenantAdmin 'admin' has the password from STEPUP_BOOTSTRAP_ADMIN_PASSWORD now");
                });
    }
}
