package dev.stepup.registration.control;

import dev.stepup.otp.control.TotpParameters;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The Key URI Format authenticator apps read:
 * {@code otpauth://totp/<issuer>:<account>?secret=..&issuer=..&algorithm=..&digits=..&period=..},
 * label parts and issuer percent-encoded.
 */
public final class OtpauthUri {

    private OtpauthUri() {
    }

    public static String of(String issuer, String account, String base32Key, TotpParameters parameters) {
        return "otpauth://totp/" + encode(issuer) + ":" + encode(account)
                + "?secret=" + base32Key
                + "&issuer=" + encode(issuer)
                + "&algorithm=" + parameters.hashFunction().name()
                + "&digits=" + parameters.digits()
                + "&period=" + parameters.timeStepSeconds();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
