package dev.stepup.authentication.boundary;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource method that takes a request whose API token is still pending
 * ({@code Caller.PENDING_TOKEN_ATTRIBUTE}: {@link CallerAuthentication} left it for the batch
 * that checks the request's code), and checks the token itself before anything else: with the
 * code, or on its own ({@link CurrentCaller#require}). The role check passes such a request on
 * to this method only; for any other, it reads the token first. Only a method of
 * {@code @RolesAllowed("**")} may be marked (the method checks that rule itself): the role
 * check stops the deployment otherwise.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CheckedWithCode {
}
