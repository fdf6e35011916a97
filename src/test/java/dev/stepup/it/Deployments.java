package dev.stepup.it;

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
}
