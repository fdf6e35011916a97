package dev.stepup.examples.spa;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The back end's JSON API under {@code /example-spa/api}; the guard's exception mapper comes with its jar. */
@ApplicationPath("api")
public class PayoutApplication extends Application {
}
