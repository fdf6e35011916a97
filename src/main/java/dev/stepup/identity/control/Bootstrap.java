package dev.stepup.identity.control;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * First start: on a database without identities, creates the TenantAdmin {@code admin} with the
 * API token from {@code STEPUP_BOOTSTRAP_ADMIN_TOKEN} and the web UI password from
 * {@code STEPUP_BOOTSTRAP_ADMIN_PASSWORD} (each at least 20 characters, or the start stops),
 * or with random ones written to owner-only files in the data directory, whose paths are
 * logged (the values only where the files cannot be written); and, if
 * {@code STEPUP_BOOTSTRAP_VERIFIER_TOKEN} is set, the example applications' verifier
 * {@code example-verifier} with that token.
 */
@Startup
@Singleton
@DependsOn("Database")
@TransactionManagement(TransactionManagementType.BEAN)
public class Bootstrap {

    private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());

    @Inject
    BootstrapAdmin admin;

    @Inject
    Identities identities;

    @PostConstruct
    void createAdminIfNone() {
        admin.refuseShortValues();
        try {
            admin.createIfNone();
        } catch (RuntimeException e) {
            if (!identities.tenantAdminExists()) {
                throw e; // no admin and no way in: the deployment fails and says why
            }
            // Another instance on the same database created it at the same moment.
            LOG.log(Level.INFO, "Bootstrap admin created by another instance at the same moment");
        }
    }
}
