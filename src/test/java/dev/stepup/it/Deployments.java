package dev.stepup.it;

import dev.stepup.it.guarded.PayoutsResource;
import dev.stepup.it.harness.LogMarkerResource;
import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR the build made, as users deploy it: no hand-listed classes. */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive war() {
        File war = new File(System.getProperty("stepup.war", "target/stepup.war"));
        return ShrinkWrap.create(ZipImporter.class, "stepup.war").importFrom(war).as(WebArchive.class);
    }

    /**
     * The WAR plus what the black-box tests deploy beside StepUp: the README's guarded
     * example resources, as an application would add them ({@code dev.stepup.it.guarded}),
     * and the log marker the tests read the server log up to ({@code dev.stepup.it.harness}).
     */
    public static WebArchive withFixtures() {
        return war().addPackage(PayoutsResource.class.getPackage()).addPackage(LogMarkerResource.class.getPackage());
    }
}
