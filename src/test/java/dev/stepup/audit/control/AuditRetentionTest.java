package dev.stepup.audit.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditRetentionTest {

    static final Instant CUT = Instant.parse("2025-01-01T00:00:00Z");

    /** An audit trail whose purge answers from a script and remembers what it was asked. */
    static final class ScriptedAudit extends AuditTrail {
        final Deque<Integer> answers;
        final List<Instant> asked = new ArrayList<>();

        ScriptedAudit(Integer... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
            this.self = this;
        }

        @Override
        public int purgeBefore(Instant before, int most) {
            assertThat(most).isEqualTo(AuditTrail.CHUNK);
            asked.add(before);
            return answers.removeFirst();
        }
    }

    @Test
    void aBacklogGoesInChunksUntilOneComesBackShort() {
        ScriptedAudit audit = new ScriptedAudit(AuditTrail.CHUNK, AuditTrail.CHUNK, 12, 99);

        assertThat(audit.purgeInChunks(CUT)).isEqualTo(2 * AuditTrail.CHUNK + 12);
        assertThat(audit.asked).containsExactly(CUT, CUT, CUT);
    }

    @Test
    void nothingOldIsOneShortTransaction() {
        ScriptedAudit audit = new ScriptedAudit(0, 99);

        assertThat(audit.purgeInChunks(CUT)).isZero();
        assertThat(audit.asked).hasSize(1);
    }
}
