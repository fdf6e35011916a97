package dev.stepup.it.arquillian;

import dev.stepup.it.DeployedServer;
import dev.stepup.it.ServerProcess;
import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.shrinkwrap.api.Archive;

/**
 * Payara Micro's Arquillian container, which starts a Payara Micro process in
 * {@code deploy} and kills it in {@code undeploy}, made to start it once per test run: the
 * first deploy starts it, later deploys of the same archive get the same process, undeploy
 * after a class does nothing, and the end of the run ({@code stop}) stops it and removes the
 * folder the container made for it in the temporary directory.
 */
public class SharedPayaraMicro extends PayaraMicroDeployableContainer {

    private static final Path TEMP = Path.of(System.getProperty("java.io.tmpdir"));

    private Archive<?> deployed;
    private ProtocolMetaData metaData;
    private Set<Path> foldersBefore = Set.of();

    static void register(LoadableExtension.ExtensionBuilder builder) {
        builder.override(DeployableContainer.class, PayaraMicroDeployableContainer.class, SharedPayaraMicro.class);
    }

    @Override
    public synchronized ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        if (deployed != null) {
            if (deployed != archive) {
                throw new DeploymentException("Only the shared deployment runs on the shared Payara Micro, not "
                        + archive.getName());
            }
            return metaData;
        }
        foldersBefore = containerFolders();
        metaData = super.deploy(archive);
        if (metaData == null) {
            throw new DeploymentException("Payara Micro did not start; see the log under stepup.it.logs");
        }
        deployed = archive;
        DeployedServer.started(metaData);
        return metaData;
    }

    @Override
    public void undeploy(Archive<?> archive) {
        // The server outlives the test class: stop() ends it with the run.
    }

    @Override
    public synchronized void stop() throws LifecycleException {
        if (deployed != null) {
            try {
                super.undeploy(deployed);
            } catch (DeploymentException e) {
                throw new LifecycleException("Could not stop Payara Micro", e);
            } finally {
                deployed = null;
                DeployedServer.stopped();
            }
        }
        for (Path folder : containerFolders()) {
            if (!foldersBefore.contains(folder)) {
                ServerProcess.deleteTree(folder);
            }
        }
        super.stop();
    }

    /** The folders Payara Micro's container makes for its deployments: arquillian-payara-micro... */
    private static Set<Path> containerFolders() {
        try (Stream<Path> entries = Files.list(TEMP)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("arquillian-payara-micro"))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }
}
