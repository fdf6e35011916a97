package dev.stepup.it.arquillian;

import dev.stepup.it.BlackBox;
import dev.stepup.it.Deployments;
import org.jboss.arquillian.container.test.api.DeploymentConfiguration;
import org.jboss.arquillian.container.test.spi.client.deployment.AutomaticDeployment;
import org.jboss.arquillian.test.spi.TestClass;
import org.jboss.shrinkwrap.api.Archive;

/**
 * The one deployment of every {@link BlackBox} class, so that no class declares a
 * {@code @Deployment} method: the built WAR with the test fixtures an application beside
 * StepUp would add ({@link Deployments#withFixtures()}), run as client ({@code testable =
 * false}). The archive is the same object for every class, and the containers of
 * {@link SharedServers} deploy it once per run.
 */
public final class SharedDeployment implements AutomaticDeployment {

    public static final String NAME = "stepup";

    private static Archive<?> archive;

    @Override
    public DeploymentConfiguration generateDeploymentScenario(TestClass testClass) {
        if (!testClass.isAnnotationPresent(BlackBox.class)) {
            return null;
        }
        return new DeploymentConfiguration.DeploymentContentBuilder(archive())
                .withDeployment().withName(NAME).withTestable(false).withManaged(true).build()
                .get();
    }

    private static synchronized Archive<?> archive() {
        if (archive == null) {
            archive = Deployments.withFixtures();
        }
        return archive;
    }
}
