package dev.stepup.platform.boundary;

import java.util.Set;

/**
 * The names of the cookies a feature reads credentials from (the session, the device, the
 * completion ID), so that {@link AmbiguousCredentials} refuses a request that sends one of
 * them twice. Each feature that reads such a cookie provides one bean of this type.
 */
public interface CredentialCookies {

    Set<String> names();
}
