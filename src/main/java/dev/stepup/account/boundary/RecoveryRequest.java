package dev.stepup.account.boundary;

/** {@code POST /api/mfa/recover}: one of the caller's recovery codes. */
public record RecoveryRequest(String recoveryCode) {

    @Override
    public String toString() {
        return "RecoveryRequest[hidden]";
    }
}
