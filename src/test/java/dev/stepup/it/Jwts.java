package dev.stepup.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** Mints JWTs as the tests' identity provider, and a few forged ones. */
public final class Jwts {

    private Jwts() {
    }

    public static JWTClaimsSet.Builder claims(String upn, String... groups) {
        return new JWTClaimsSet.Builder()
                .issuer(TestDatabase.JWT_ISSUER)
                .audience(TestDatabase.JWT_AUDIENCE)
                .subject(upn)
                .claim("upn", upn)
                .claim("groups", List.of(groups))
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    public static String signed(JWTClaimsSet claims) {
        return sign(claims, TestDatabase.JWT_KEYS.getPrivate());
    }

    public static String signedByAnotherKey(JWTClaimsSet claims) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair other = generator.generateKeyPair();
            return sign(claims, other.getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsecured JWT: {@code alg: none}, no signature. */
    public static String unsigned(JWTClaimsSet claims) {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.toString().getBytes());
        return header + "." + payload + ".";
    }

    private static String sign(JWTClaimsSet claims, PrivateKey key) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
