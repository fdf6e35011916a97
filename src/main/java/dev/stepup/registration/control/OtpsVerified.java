package dev.stepup.registration.control;

import dev.stepup.platform.control.RoundTrip;
import java.time.Instant;
import java.util.List;

/**
 * Fired instead of {@link OtpVerified} for checks decided together, in the transaction that
 * counted them ({@link CodeBatches}): each with the time and the client address of the
 * request it came in, which the thread that fires it does not serve. The audit trail and the
 * metrics observe it. An observer that writes adds its statements to {@code writes}, at once
 * (a synchronous observer, not one after the transaction), and the batch sends them with its
 * own (the codes' uses, the failures' count) in one round trip after the event; a statement
 * added later is refused. It is the only event that carries statements: a batch is the only
 * place where one round trip less is worth it.
 */
public record OtpsVerified(List<Checked> checks, RoundTrip writes) {

    public record Checked(OtpVerified verified, Instant at, String sourceIp) {
    }
}
