package dev.stepup.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One line of the audit trail, as read; {@code AuditTrail} appends lines with plain JDBC. */
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
