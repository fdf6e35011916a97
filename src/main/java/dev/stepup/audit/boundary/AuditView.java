package dev.stepup.audit.boundary;

import dev.stepup.audit.entity.AuditEvent;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.time.Instant;

/** An audit line as the API shows it. */
@JsonbNillable
@JsonbPropertyOrder({"time", "type", "outcome", "actorId", "targetId", "sourceIp", "details"})
public record AuditView(Instant time, String type, String outcome, String actorId, String targetId, String sourceIp,
                        String details) {

    static AuditView of(AuditEvent event) {
        return new AuditView(event.time(), event.type(), event.outcome(), event.actorId(), event.targetId(),
                event.sourceIp(), event.details());
    }
}
