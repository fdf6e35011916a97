package dev.stepup.otp.control;

/** The HMAC behind the codes, named as otpauth URIs and the configuration name them. */
public enum HashFunction {
    SHA1("HmacSHA1"), SHA256("HmacSHA256"), SHA512("HmacSHA512");

    private final String macAlgorithm;

    HashFunction(String macAlgorithm) {
        this.macAlgorithm = macAlgorithm;
    }

    public String macAlgorithm() {
        return macAlgorithm;
    }
}
