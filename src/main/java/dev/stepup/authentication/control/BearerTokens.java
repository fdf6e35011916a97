package dev.stepup.authentication.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.stepup.identity.control.ExternalUsers;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Authenticates {@code Authorization: Bearer} JWTs of an external identity provider, with
 * Nimbus JOSE+JWT: signature (RS256/384/512, ES256/384/512 only, so {@code alg: none} and
 * HMAC are refused), {@code typ} ({@code JWT}, RFC 9068's {@code at+jwt} or none), issuer,
 * audience, expiry and lifetime ({@code exp - iat} at most {@code stepup.jwt.max.lifetime.seconds},
 * {@code iat} not in the future), configured with the MicroProfile JWT property names.
 * {@code upn}, else {@code preferred_username}, else {@code sub} names the user, who is
 * created on first sight; {@code groups} carry the roles. Without a configured key and
 * issuer, every Bearer token is refused; with them, {@link BearerCheck} stops a start that
 * names no audience (unless {@code stepup.jwt.any.audience}) or fetches keys over plain http.
 */
@ApplicationScoped
public class BearerTokens {

    private static final Logger LOG = Logger.getLogger(BearerTokens.class.getName());
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final JOSEObjectType APPLICATION_AT_JWT = new JOSEObjectType("application/at+jwt");

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> publicKey;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> publicKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.audiences")
    Optional<String> audiences;

    /** Comma-separated {@code acr} values that prove a step-up at the identity provider; none by default. */
    @Inject
    @ConfigProperty(name = "stepup.jwt.step.up.acr")
    Optional<String> stepUpAcr;

    /** Accept tokens of the issuer for any audience, on purpose (without an audience the start stops). */
    @Inject
    @ConfigProperty(name = "stepup.jwt.any.audience", defaultValue = "false")
    boolean anyAudience;

    /** Fetch a JWKS over plain http from a host other than this one, on purpose. */
    @Inject
    @ConfigProperty(name = "stepup.jwt.jwks.allow.http", defaultValue = "false")
    boolean allowHttpJwks;

    /** The longest lifetime ({@code exp - iat}) a token may have. */
    @Inject
    @ConfigProperty(name = "stepup.jwt.max.lifetime.seconds", defaultValue = "86400")
    long maxLifetimeSeconds;

    @Inject
    ExternalUsers users;

    private volatile DefaultJWTProcessor<SecurityContext> processor;
    private volatile boolean unusable;

    public Optional<Caller> authenticate(String jwt) {
        Optional<JWTClaimsSet> verified = verify(jwt);
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        JWTClaimsSet claims = verified.get();
        Optional<String> name = name(claims);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Set<String> roles = groups(claims).stream().filter(Role.ADMIN::contains).collect(Collectors.toSet());
        Optional<Identity> identity;
        try {
            identity = users.findOrCreate(name.get());
        } catch (RuntimeException e) {
            // A parallel first request of the same user created it a moment ago.
            identity = users.findOrCreate(name.get());
        }
        Instant providerStepUpAt = providerStepUp(claims);
        String sid = claims.getClaim("sid") instanceof String text && !text.isEmpty() ? text : null;
        return identity
                .filter(Identity::isActive)
                .map(user -> new Caller(user.id(), user.username(), Role.effective(roles), Caller.Scheme.BEARER,
                        Credential.bearer(claims.getIssuer(), sid, user.id()), providerStepUpAt, null));
    }

    /** The claims of a JWT that passes every check; empty for any other. */
    Optional<JWTClaimsSet> verify(String jwt) {
        DefaultJWTProcessor<SecurityContext> jwtProcessor = processor();
        if (jwtProcessor == null || jwt.isEmpty() || jwt.length() > 16_384) {
            return Optional.empty();
        }
        try {
            return Optional.of(jwtProcessor.process(jwt, null));
        } catch (Exception e) {
            LOG.fine(() -> "Bearer token refused: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** True if Bearer JWTs are configured at all: an issuer and a key. */
    boolean configured() {
        return issuer.isPresent() && (publicKey.isPresent() || publicKeyLocation.isPresent());
    }

    /**
     * What keeps this configuration from a safe start: Bearer JWTs configured without an
     * audience (unless any audience is accepted on purpose), or with a JWKS fetched over plain
     * http from another host (unless allowed on purpose). Empty if nothing.
     */
    List<String> startProblems() {
        if (!configured()) {
            return List.of();
        }
        List<String> problems = new java.util.ArrayList<>();
        if (audiences.filter(a -> !a.isBlank()).isEmpty() && !anyAudience) {
            problems.add("MP_JWT_VERIFY_AUDIENCES (mp.jwt.verify.audiences) is not set, so a token the identity provider"
                    + " issued for any other application would be accepted here, its groups (TenantAdmin ...) included."
                    + " Set it to the audience the provider puts in tokens for StepUp, or set STEPUP_JWT_ANY_AUDIENCE=true"
                    + " to accept every audience on purpose");
        }
        if (publicKey.isEmpty() && publicKeyLocation.filter(l -> !isSafeLocation(l, allowHttpJwks)).isPresent()) {
            problems.add("MP_JWT_VERIFY_PUBLICKEY_LOCATION (mp.jwt.verify.publickey.location) is fetched over plain http"
                    + " from another host, so whoever can change that answer can sign tokens. Use https (or a loopback"
                    + " host), or set STEPUP_JWT_JWKS_ALLOW_HTTP=true on purpose");
        }
        return problems;
    }

    /** False for a plain-http location on a host other than this machine's loopback, unless allowed. */
    static boolean isSafeLocation(String location, boolean allowHttp) {
        if (!location.regionMatches(true, 0, "http://", 0, "http://".length()) || allowHttp) {
            return true;
        }
        String host;
        try {
            host = URI.create(location).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        return host != null && isLoopback(host);
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        // IP literals only: no name is looked up.
        if (!bare.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(bare).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The {@code acr} values that count as a step-up by the identity provider (RFC 9470). */
    public List<String> stepUpAcr() {
        return stepUpAcr.map(values -> Arrays.stream(values.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList())
                .orElse(List.of());
    }

    /** When the provider stepped the user up: {@code auth_time}, if {@code acr} is one that counts. */
    private Instant providerStepUp(JWTClaimsSet claims) {
        Object acr = claims.getClaim("acr");
        Object authTime = claims.getClaim("auth_time");
        if (!(acr instanceof String value) || !stepUpAcr().contains(value)) {
            return null;
        }
        if (authTime instanceof java.util.Date date) {
            return date.toInstant();
        }
        return authTime instanceof Number seconds ? Instant.ofEpochSecond(seconds.longValue()) : null;
    }

    private static Optional<String> name(JWTClaimsSet claims) {
        for (String claim : new String[] {"upn", "preferred_username", "sub"}) {
            Object value = claims.getClaim(claim);
            if (value instanceof String text && !text.isBlank() && text.length() <= 255 && Identities.isPlainText(text)) {
                return Optional.of(text);
            }
        }
        return Optional.empty();
    }

    private static Set<String> groups(JWTClaimsSet claims) {
        Object value = claims.getClaim("groups");
        if (value instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).collect(Collectors.toSet());
        }
        return Set.of();
    }

    private DefaultJWTProcessor<SecurityContext> processor() {
        DefaultJWTProcessor<SecurityContext> current = processor;
        if (current == null && !unusable && configured()) {
            synchronized (this) {
                if (processor == null && !unusable) {
                    processor = build();
                    unusable = processor == null;
                }
                current = processor;
            }
        }
        return current;
    }

    private DefaultJWTProcessor<SecurityContext> build() {
        try {
            DefaultJWTProcessor<SecurityContext> built = new DefaultJWTProcessor<>();
            built.setJWSKeySelector(keySelector());
            // RFC 9068's access tokens say typ: at+jwt; ID-token-like ones JWT or nothing.
            built.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, AT_JWT, APPLICATION_AT_JWT, null));
            Set<String> accepted = audiences.filter(a -> !a.isBlank())
                    .map(a -> Arrays.stream(a.split(",")).map(String::strip).collect(Collectors.toCollection(HashSet::new)))
                    .orElse(null);
            built.setJWTClaimsSetVerifier(new Claims(accepted, issuer.get(), Duration.ofSeconds(maxLifetimeSeconds)));
            if (accepted == null) {
                // Only with stepup.jwt.any.audience=true: BearerCheck stops a start without either.
                LOG.warning("STEPUP_JWT_ANY_AUDIENCE=true: Bearer tokens of the issuer are accepted for any audience,"
                        + " also those it issued for other applications");
            }
            return built;
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "The JWT verification key (mp.jwt.verify.publickey[.location]) cannot be read; "
                    + "Bearer tokens are refused", e);
            return null;
        }
    }

    /**
     * Keys from a URL are matched by the token's {@code kid} as usual. A configured key
     * without a {@code kid} (a PEM key has none) is used whatever {@code kid} the token names:
     * matching it would refuse every token of a provider that sets one.
     */
    private JWSKeySelector<SecurityContext> keySelector() throws Exception {
        JWKSource<SecurityContext> keys = keys();
        if (keys instanceof ImmutableJWKSet<SecurityContext> set
                && set.getJWKSet().getKeys().stream().allMatch(key -> key.getKeyID() == null)) {
            return ignoringKid(set.getJWKSet());
        }
        return new JWSVerificationKeySelector<>(ALGORITHMS, keys);
    }

    /** Every key of {@code set} that fits the token's algorithm (RS* or ES* only), whatever its {@code kid}. */
    static JWSKeySelector<SecurityContext> ignoringKid(JWKSet set) {
        return (header, context) -> {
            JWSAlgorithm algorithm = header.getAlgorithm();
            if (!ALGORITHMS.contains(algorithm)) {
                return List.of();
            }
            List<Key> fitting = new java.util.ArrayList<>();
            for (JWK jwk : set.getKeys()) {
                if ((jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse()))
                        || (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(algorithm))) {
                    continue;
                }
                try {
                    if (JWSAlgorithm.Family.RSA.contains(algorithm) && jwk instanceof RSAKey rsa) {
                        fitting.add(rsa.toRSAPublicKey());
                    } else if (JWSAlgorithm.Family.EC.contains(algorithm) && jwk instanceof ECKey ec
                            && Curve.forJWSAlgorithm(algorithm).contains(ec.getCurve())) {
                        fitting.add(ec.toECPublicKey());
                    }
                } catch (JOSEException e) {
                    throw new KeySourceException("Unusable verification key", e);
                }
            }
            return fitting;
        };
    }

    /**
     * Nimbus's checks (issuer, audience, {@code exp} required and not past, {@code nbf}) and
     * two of StepUp's: the token lives at most {@code maxLifetime} ({@code exp - iat}; without
     * {@code iat}, from now), and was not issued in the future beyond the clock skew.
     */
    static final class Claims extends DefaultJWTClaimsVerifier<SecurityContext> {

        private final Duration maxLifetime;

        Claims(Set<String> audiences, String issuer, Duration maxLifetime) {
            super(audiences, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp"), Set.of());
            this.maxLifetime = maxLifetime;
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            super.verify(claims, context);
            Instant now = currentTime().toInstant();
            Instant expires = claims.getExpirationTime().toInstant();
            Date issued = claims.getIssueTime();
            if (issued != null && issued.toInstant().isAfter(now.plusSeconds(getMaxClockSkew()))) {
                throw new BadJWTException("JWT issued in the future");
            }
            Instant from = issued == null ? now : issued.toInstant();
            if (Duration.between(from, expires).compareTo(maxLifetime) > 0) {
                throw new BadJWTException("JWT lifetime longer than stepup.jwt.max.lifetime.seconds");
            }
        }
    }

    private JWKSource<SecurityContext> keys() throws Exception {
        if (publicKey.isPresent()) {
            return new ImmutableJWKSet<>(parse(publicKey.get()));
        }
        String location = publicKeyLocation.get();
        if (!isSafeLocation(location, allowHttpJwks)) {
            throw new IllegalStateException("mp.jwt.verify.publickey.location is plain http to another host");
        }
        if (location.startsWith("https://") || location.startsWith("http://")) {
            return JWKSourceBuilder.<SecurityContext>create(URI.create(location).toURL()).build();
        }
        return new ImmutableJWKSet<>(parse(read(location)));
    }

    private static String read(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            try (InputStream in = BearerTokens.class.getResourceAsStream("/" + location.substring("classpath:".length()).replaceFirst("^/", ""))) {
                if (in == null) {
                    throw new IOException("No such resource: " + location);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    /** A PEM public key, a single JWK or a JWKS. */
    static JWKSet parse(String text) throws Exception {
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            return trimmed.contains("\"keys\"") ? JWKSet.parse(trimmed) : new JWKSet(JWK.parse(trimmed));
        }
        byte[] der = Base64.getMimeDecoder().decode(trimmed.replaceAll("-----[A-Z ]+-----", ""));
        for (String algorithm : Arrays.asList("RSA", "EC")) {
            try {
                PublicKey key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                if (key instanceof RSAPublicKey rsa) {
                    return new JWKSet(new RSAKey.Builder(rsa).build());
                }
                if (key instanceof ECPublicKey ec) {
                    return new JWKSet(new ECKey.Builder(com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams()), ec).build());
                }
            } catch (java.security.spec.InvalidKeySpecException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("Not an RSA or EC public key in PEM form");
    }
}
