package dev.stepup.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One line of the audit trail. */
@Entity
@Table(name = "audit_event")
public class AuditEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "event_time")
    private Instant time;

    private String type;

    private String outcome;

    @Column(name = "actor_id")
    private String actorId;

    @Column(name = "target_id")
    private String targetId;

    @Column(name = "source_ip")
    private String sourceIp;

    private String details;

    protected AuditEvent() {
    }

    public AuditEvent(Instant time, String type, String outcome, String actorId, String targetId, String sourceIp,
                      String details) {
        this.time = time;
        this.type = type;
        this.outcome = outcome;
        this.actorId = actorId;
        this.targetId = targetId;
        this.sourceIp = sourceIp;
        this.details = details;
    }

    public Instant time() {
        return time;
    }

    public String type() {
        return type;
    }

    public String outcome() {
        return outcome;
    }

    public String actorId() {
        return actorId;
    }

    public String targetId() {
        return targetId;
    }

    public String sourceIp() {
        return sourceIp;
    }

    public String details() {
        return details;
    }
}
