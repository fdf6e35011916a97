/**
 * The guard: {@code @StepUpRequired} for any Jakarta EE 10 WAR beside StepUp, checked over HTTP
 * with a {@code StepUpVerifier} token (StepUp's "Step-up for applications beside StepUp").
 * JAX-RS methods consume the completion cookie the user's browser carries (way 1); JSF actions
 * ask for a code in the composite component {@code <su:prompt/>} and verify it server to server
 * (way 2). What a step-up grants lives in the application's HTTP session. Imports no StepUp
 * class: StepUp and the application share nothing but HTTP.
 */
package dev.stepup.guard;
