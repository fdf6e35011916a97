package dev.stepup.admin.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepup.audit.control.AuditTrail;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class HousekeepingTest {

    /** An audit trail whose purge answers from a script and remembers what it was asked. */
    static final class ScriptedAudit extends AuditTrail {
        final Deque<Integer> answers;
        final List<Duration> asked = new ArrayList<>();

        ScriptedAudit(Integer... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public int purgeOlderThan(Duration age, int most) {
            assertThat(most).isEqualTo(Housekeeping.AUDIT_CHUNK);
            asked.add(age);
            return answers.removeFirst();
        }
    }

    @Test
    void aBacklogGoesInChunksUntilOneComesBackShort() {
        ScriptedAudit audit = new ScriptedAudit(Housekeeping.AUDIT_CHUNK, Housekeeping.AUDIT_CHUNK, 12, 99);
        Housekeeping housekeeping = housekeeping(audit, 400);

        assertThat(housekeeping.purgeAudit()).isEqualTo(2 * Housekeeping.AUDIT_CHUNK + 12);
        assertThat(audit.asked).containsExactly(Duration.ofDays(400), Duration.ofDays(400), Duration.ofDays(400));
    }

    @Test
    void nothingOldIsOneShortTransaction() {
        ScriptedAudit audit = new ScriptedAudit(0, 99);

        assertThat(housekeeping(audit, 30).purgeAudit()).isZero();
        assertThat(audit.asked).hasSize(1);
    }

    private static Housekeeping housekeeping(AuditTrail audit, long retentionDays) {
        Housekeeping housekeeping = new Housekeeping();
        housekeeping.audit = audit;
        housekeeping.auditRetentionDays = retentionDays;
        return housekeeping;
    }
}
