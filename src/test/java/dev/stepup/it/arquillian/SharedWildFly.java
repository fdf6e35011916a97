package dev.stepup.it.arquillian;

import dev.stepup.it.DeployedServer;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.as.arquillian.container.managed.ManagedContainerConfiguration;
import org.jboss.as.arquillian.container.managed.ManagedDeployableContainer;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.descriptor.api.Descriptor;

/**
 * WildFly's managed Arquillian container (which starts WildFly once per run and deploys to it
 * per test class) made to deploy the shared deployment once: later deploys of the same
 * archive get the first deployment's metadata, undeploy after a class does nothing, and the
 * deployment goes with the server at the end of the run. WildFly's container class is final,
 * so this one wraps it instead of extending it; Arquillian injects the wrapped one as it
 * would have injected it in its place.
 */
public class SharedWildFly implements DeployableContainer<ManagedContainerConfiguration> {

    @Inject
    private Instance<org.jboss.arquillian.core.api.Injector> injector;

    private ManagedDeployableContainer wildFly;
    private Archive<?> deployed;
    private ProtocolMetaData metaData;

    static void register(LoadableExtension.ExtensionBuilder builder) {
        builder.override(DeployableContainer.class, ManagedDeployableContainer.class, SharedWildFly.class);
    }

    private synchronized ManagedDeployableContainer wildFly() {
        if (wildFly == null) {
            wildFly = injector.get().inject(new ManagedDeployableContainer());
        }
        return wildFly;
    }

    @Override
    public Class<ManagedContainerConfiguration> getConfigurationClass() {
        return ManagedContainerConfiguration.class;
    }

    @Override
    public void setup(ManagedContainerConfiguration configuration) {
        wildFly().setup(configuration);
    }

    @Override
    public void start() throws LifecycleException {
        wildFly().start();
    }

    @Override
    public synchronized void stop() throws LifecycleException {
        // The server runs with a read-only standalone.xml (arquillian.xml): the deployment ends with it.
        try {
            wildFly().stop();
        } finally {
            deployed = null;
            DeployedServer.stopped();
        }
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return wildFly().getDefaultProtocol();
    }

    @Override
    public synchronized ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        if (deployed != null) {
            if (deployed != archive) {
                throw new DeploymentException("Only the shared deployment runs on the shared WildFly, not "
                        + archive.getName());
            }
            return metaData;
        }
        metaData = wildFly().deploy(archive);
        deployed = archive;
        DeployedServer.started(metaData);
        return metaData;
    }

    @Override
    public void undeploy(Archive<?> archive) {
        // The deployment outlives the test class; it ends with the server at the end of the run.
    }

    @Override
    @Deprecated
    public void deploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("The black-box tests deploy archives only");
    }

    @Override
    @Deprecated
    public void undeploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("The black-box tests deploy archives only");
    }
}
