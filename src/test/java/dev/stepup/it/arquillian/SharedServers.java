package dev.stepup.it.arquillian;

import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * One server per test JVM: replaces the Arquillian container of the classpath (Payara Micro
 * in the failsafe execution "default", WildFly in "wildfly") by one that deploys the shared
 * deployment once and keeps it until the run ends, instead of once per test class.
 */
public final class SharedServers implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        if (present("fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer")) {
            SharedPayaraMicro.register(builder);
        }
        if (present("org.jboss.as.arquillian.container.managed.ManagedDeployableContainer")) {
            SharedWildFly.register(builder);
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, SharedServers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
