package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rules of the one verifier behind {@code VERIFY}, the delete credential and step-up:
 * one time step of clock skew each way, each code once, and the throttle that counts wrong
 * and replayed codes of every path together.
 */
@BlackBox
class VerifierIT {

    /** The longest time step the configuration allows: a check rarely meets a step edge. */
    static final int LONG_STEP = 120;

    /** The first half of the advisory lock the server's folds of its code logs take (CodeUses). */
    private static final int FOLD_LOCK_CLASS = 0x53554332;

    Api api;
    Users users;

    @Test
    void verifyAcceptsOneStepOfSkewEachWayAndNotTwo() {
        TenantConfiguration.timeStep(users.admin(), LONG_STEP).during(() ->
                TimeSteps.withinOne(LONG_STEP, step -> {
                    // A pending enrolment has used no step yet: no code can be refused as a replay.
                    Pending early = pending();
                    assertThat(early.totp().period()).isEqualTo(LONG_STEP);
                    assertWrongConfirmation(early.verify(early.totp().code(step - 2)));
                    assertWrongConfirmation(early.verify(early.totp().code(step + 2)));
                    Api.Reply behind = early.verify(early.totp().code(step - 1));
                    assertThat(behind.status()).as(behind.toString()).isEqualTo(200);
                    assertThat(behind.json().getString("status")).isEqualTo("REGISTERED");
                    Pending late = pending();
                    Api.Reply ahead = late.verify(late.totp().code(step + 1));
                    assertThat(ahead.status()).as(ahead.toString()).isEqualTo(200);
                    assertThat(AuditLines.of(users, early.userId(), "ENROLMENT_CONFIRMATION")).containsExactly(
                            "ENROLMENT_CONFIRMATION FAILED", "ENROLMENT_CONFIRMATION FAILED", "ENROLMENT_CONFIRMATION SUCCESS");
                }));
    }

    @Test
    void stepUpAcceptsOneStepOfSkewEachWayAndNotTwo() {
        TenantConfiguration.timeStep(users.admin(), LONG_STEP).during(() ->
                TimeSteps.withinOne(LONG_STEP, step -> {
                    Enrolled user = Enrolled.create(users);
                    // Its confirmation used a step: forgotten, so that no code below is refused as a replay.
                    RegistrationRows.shared().forgetUsedSteps(user.userId());
                    TestTotp totp = user.totp();
                    assertThat(user.stepUpResult(totp.code(step - 2))).isEqualTo("FAILED");
                    assertThat(user.stepUpResult(totp.code(step + 2))).isEqualTo("FAILED");
                    assertThat(user.stepUpResult(totp.code(step - 1))).isEqualTo("SUCCESS");
                    assertThat(user.stepUpResult(totp.code(step + 1))).isEqualTo("SUCCESS");
                    // Accepting step + 1 used up every earlier step, the current one included.
                    assertThat(user.stepUpResult(totp.code(step))).isEqualTo("FAILED");
                    assertThat(AuditLines.of(users, user.userId(), "STEP_UP")).containsExactly(
                            "STEP_UP FAILED", "STEP_UP FAILED", "STEP_UP SUCCESS", "STEP_UP SUCCESS", "STEP_UP REPLAYED");
                }));
    }

    @Test
    void theDeleteCredentialAcceptsOneStepOfSkewEachWayAndNotTwo() {
        TenantConfiguration.timeStep(users.admin(), LONG_STEP).during(() ->
                TimeSteps.withinOne(LONG_STEP, step -> {
                    Enrolled behind = Enrolled.create(users, "TenantAdmin");
                    RegistrationRows.shared().forgetUsedSteps(behind.userId());
                    assertRefusedCredential(deleteOwn(behind, behind.totp().code(step - 2)));
                    assertRefusedCredential(deleteOwn(behind, behind.totp().code(step + 2)));
                    assertDeleted(behind, deleteOwn(behind, behind.totp().code(step - 1)));
                    assertThat(AuditLines.of(users, behind.userId(), "DELETE_CREDENTIAL_CHECK")).containsExactly(
                            "DELETE_CREDENTIAL_CHECK FAILED", "DELETE_CREDENTIAL_CHECK FAILED", "DELETE_CREDENTIAL_CHECK SUCCESS");

                    Enrolled ahead = Enrolled.create(users, "TenantAdmin");
                    RegistrationRows.shared().forgetUsedSteps(ahead.userId());
                    assertDeleted(ahead, deleteOwn(ahead, ahead.totp().code(step + 1)));
                }));
    }

    @Test
    void aCodeIsAcceptedOnceEvenUnderConcurrency() throws Exception {
        Enrolled user = Enrolled.create(users);
        String code = user.nextCode();
        Callable<Api.Reply> client = () -> user.stepUp(code);
        int clients = 32;
        int success = 0;
        int refused = 0;
        for (Api.Reply reply : AtOnce.all(Collections.nCopies(clients, client))) {
            if (reply.status() == 200 && reply.json().getString("result").equals("SUCCESS")) {
                success++;
            } else if ((reply.status() == 200 && reply.json().getString("result").equals("FAILED"))
                    || (reply.status() == 429 && reply.errorCode().equals("MFA-0005"))) {
                refused++;
            } else {
                throw new AssertionError("Unexpected reply: " + reply);
            }
        }
        assertThat(success).isEqualTo(1);
        assertThat(refused).isEqualTo(clients - 1);
    }

    @Test
    void wrongCodesSentAtOnceAreEachCountedOnceAndStopAtTheThrottle() throws Exception {
        Enrolled user = Enrolled.create(users);
        String wrong = user.totp().wrongCode();
        Callable<Api.Reply> client = () -> user.stepUp(wrong);
        int failed = 0;
        for (Api.Reply reply : AtOnce.all(Collections.nCopies(16, client))) {
            if (reply.status() == 200 && reply.json().getString("result").equals("FAILED")) {
                failed++;
            } else if (!(reply.status() == 429 && reply.errorCode().equals("MFA-0005"))) {
                throw new AssertionError("Unexpected reply: " + reply);
            }
        }
        // Five failures start a wait of 1 s, a sixth one of 2 s, a seventh one of 4 s: a burst
        // of a few seconds gets at most seven answers, and every one of them is counted.
        assertThat(failed).isBetween(5, 7);
        assertThat(RegistrationRows.shared().failures(user.userId())).isEqualTo(failed);
        assertThat(AuditLines.of(users, user.userId(), "STEP_UP")).filteredOn("STEP_UP FAILED"::equals).hasSize(failed);
    }

    /**
     * Codes that arrive while one transaction checks codes wait, and are checked together in
     * the next (CodeBatches): each wrong one counted once, each right one used once, each with
     * its audit line, and none answered before that transaction has committed.
     */
    @Test
    void codesOfManyUsersAreCheckedTogetherEachOnce() throws Exception {
        Enrolled first = Enrolled.create(users);
        List<Enrolled> others = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Enrolled other = Enrolled.create(users);
            others.add(other);
            // Half of them give a right code, half a wrong one.
            codes.add(i % 2 == 0 ? other.nextCode() : other.totp().wrongCode());
        }
        ExecutorService clients = Executors.newFixedThreadPool(1 + others.size());
        List<Future<Api.Reply>> replies = new ArrayList<>();
        try (Connection db = TestDatabase.shared().connect(); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            // Counting a failure waits for this lock: the first batch stays open while the others' codes arrive.
            sql.execute("lock table code_failure in share mode");
            replies.add(clients.submit(() -> first.stepUp(first.totp().wrongCode())));
            TestDatabase.shared().awaitLockWait("merge into code_failure");
            for (int i = 0; i < others.size(); i++) {
                Enrolled other = others.get(i);
                String code = codes.get(i);
                replies.add(clients.submit(() -> other.stepUp(code)));
            }
            Thread.sleep(1_500);
            assertThat(replies).as("no answer before the batch commits").noneMatch(Future::isDone);
            db.commit();
            for (int i = 0; i < replies.size(); i++) {
                Api.Reply answer = replies.get(i).get(30, TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                assertThat(answer.json().getString("result")).as(answer.toString()).isEqualTo(right(i) ? "SUCCESS" : "FAILED");
            }
        } finally {
            clients.shutdownNow();
        }
        others.add(0, first);
        Map<String, String> writers = new HashMap<>();
        for (int i = 0; i < others.size(); i++) {
            Enrolled user = others.get(i);
            assertThat(RegistrationRows.shared().failures(user.userId())).isEqualTo(right(i) ? 0 : 1);
            Api.Reply audit = users.admin().get("/api/audit?userId=" + user.userId() + "&type=STEP_UP");
            List<JsonObject> lines = audit.json().getJsonArray("data").getValuesAs(JsonObject.class);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0).getString("outcome")).isEqualTo(right(i) ? "SUCCESS" : "FAILED");
            assertThat(lines.get(0).getString("actorId")).isEqualTo(user.userId());
            assertThat(lines.get(0).getString("sourceIp")).isNotBlank();
            String writer = writer(right(i) ? "code_use" : "code_failure", user.userId());
            assertThat(writer(user.userId())).as("the audit line committed with the code's row").isEqualTo(writer);
            writers.put(user.userId(), writer);
        }
        // The first batch, and the batch of the other eight (split if some came late); nine without batches.
        assertThat(new HashSet<>(writers.values())).as("transactions that wrote, for 9 codes: %s", writers)
                .hasSizeLessThanOrEqualTo(4);
        // A right code checked in a batch is used: the same code again is a replay.
        assertThat(others.get(1).stepUpResult(codes.get(0))).isEqualTo("FAILED");
        assertThat(AuditLines.of(users, others.get(1).userId(), "STEP_UP")).containsExactly("STEP_UP SUCCESS",
                "STEP_UP REPLAYED");
    }

    /** Whether the {@code i}th reply of {@link #codesOfManyUsersAreCheckedTogetherEachOnce} was to a right code. */
    private static boolean right(int i) {
        return i > 0 && (i - 1) % 2 == 0;
    }

    /** The transaction that wrote the user's one row in {@code table} (its {@code xmin}). */
    private static String writer(String table, String userId) throws SQLException {
        return single("select xmin::text from " + table + " where identity_id = ?", userId);
    }

    /** The transaction that wrote the user's one STEP_UP audit line. */
    private static String writer(String userId) throws SQLException {
        return single("select xmin::text from audit_event where actor_id = ? and type = 'STEP_UP'", userId);
    }

    private static String single(String query, String userId) throws SQLException {
        try (Connection db = TestDatabase.shared().connect(); PreparedStatement select = db.prepareStatement(query)) {
            select.setString(1, userId);
            List<String> found = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            assertThat(found).as(query + " for " + userId).hasSize(1);
            return found.get(0);
        }
    }

    @Test
    void failuresFoldedIntoTheRegistrationStillCount() {
        Enrolled user = Enrolled.create(users);
        String wrong = user.totp().wrongCode();
        assertFailsTimes(user, wrong, 3);
        RegistrationRows rows = RegistrationRows.shared();
        assertThat(rows.loggedFailures(user.userId())).as("failures are appended to the log").isEqualTo(3);
        assertThat(rows.rowFailures(user.userId())).isZero();

        // Half an hour old, they are past the 20 minutes after which housekeeping (every 2 s
        // here) folds them into the registration row.
        rows.ageLoggedFailures(user.userId(), 30);
        Instant last = rows.lastLoggedFailure(user.userId());
        Waits.until(Duration.ofSeconds(60), "the failures folded", () -> rows.loggedFailures(user.userId()), n -> n == 0);
        assertThat(rows.rowFailures(user.userId())).as("folded once, none lost").isEqualTo(3);
        assertThat(rows.rowLastFailure(user.userId())).isEqualTo(last);

        // Two more make five: the next attempt waits, a right code too.
        assertThat(user.stepUpResult(wrong)).isEqualTo("FAILED");
        assertThat(user.stepUpResult(wrong)).isEqualTo("FAILED");
        assertThrottled(user.stepUp(user.nextCode()));
        assertThat(rows.failures(user.userId())).isEqualTo(5);

        // Folded in turn onto a row that has failures already, they make five: each counted once.
        rows.ageLoggedFailures(user.userId(), 30);
        Waits.until(Duration.ofSeconds(60), "the failures folded", () -> rows.loggedFailures(user.userId()), n -> n == 0);
        assertThat(rows.rowFailures(user.userId())).as("added to the row's, each once").isEqualTo(5);

        // A right code resets both counts (the wait is over: the last failure is half an hour old).
        String right = user.nextCode();
        Api.Reply recovered = untilNotThrottled(() -> user.stepUp(right));
        assertThat(recovered.json().getString("result")).as(recovered.toString()).isEqualTo("SUCCESS");
        assertThat(rows.rowFailures(user.userId())).isZero();
        assertThat(rows.loggedFailures(user.userId())).isZero();
    }

    @Test
    void failuresNotFoldedCountHoweverOld() throws Exception {
        Enrolled user = Enrolled.create(users);
        String wrong = user.totp().wrongCode();
        assertFailsTimes(user, wrong, 4);
        RegistrationRows rows = RegistrationRows.shared();
        try (Connection db = TestDatabase.shared().connect();
             Statement lock = db.createStatement()) {
            // While this connection holds the folds' lock, housekeeping (every 2 s here) folds
            // nothing but still reads which bucket is the oldest with a row.
            lock.execute("select pg_advisory_lock(" + FOLD_LOCK_CLASS + ", 0)");
            try {
                rows.ageLoggedFailures(user.userId(), 60);
                // Failures never move back in time; three housekeeping rounds let every reader
                // know of these, as it would of a bucket left by a fold that failed for an hour.
                Thread.sleep(6_000);
                assertThat(user.stepUpResult(wrong)).isEqualTo("FAILED");
                assertThrottled(user.stepUp(user.nextCode()));
                assertThat(rows.loggedFailures(user.userId())).as("not folded").isEqualTo(5);
            } finally {
                lock.execute("select pg_advisory_unlock(" + FOLD_LOCK_CLASS + ", 0)");
            }
        }
        String right = user.nextCode();
        Api.Reply recovered = untilNotThrottled(() -> user.stepUp(right));
        assertThat(recovered.json().getString("result")).as(recovered.toString()).isEqualTo("SUCCESS");
        assertThat(rows.loggedFailures(user.userId())).as("an hour old, and forgotten on success").isZero();
    }

    @Test
    void failuresGoWithTheirRegistration() {
        Enrolled user = Enrolled.create(users);
        String wrong = user.totp().wrongCode();
        assertFailsTimes(user, wrong, 4);
        Api.Reply reset = users.admin().delete("/api/mfa/admin/registrations/TOTP/users/" + user.userId());
        assertThat(reset.status()).as(reset.toString()).isEqualTo(204);
        assertThat(RegistrationRows.shared().loggedFailures(user.userId()))
                .as("a new registration starts without the old one's failures").isZero();
    }

    @Test
    void aReplayedCodeCountsAsAFailure() {
        Enrolled user = Enrolled.create(users);
        String used = user.nextCode();
        assertThat(user.stepUpResult(used)).isEqualTo("SUCCESS");
        for (int replay = 1; replay <= 5; replay++) {
            assertThat(user.stepUpResult(used)).as("replay %d", replay).isEqualTo("FAILED");
        }
        // Five failures: the next attempt must wait, a right code too.
        assertThrottled(user.stepUp(user.nextCode()));
        assertThat(AuditLines.of(users, user.userId(), "STEP_UP")).containsExactly("STEP_UP SUCCESS",
                "STEP_UP REPLAYED", "STEP_UP REPLAYED", "STEP_UP REPLAYED", "STEP_UP REPLAYED", "STEP_UP REPLAYED",
                "STEP_UP THROTTLED");
    }

    @Test
    void failuresOfEveryPathCountTowardOneThrottle() {
        // Step-up and the delete credential, taking turns: five failures together.
        Enrolled admin = Enrolled.create(users, "TenantAdmin");
        String wrong = admin.totp().wrongCode();
        assertThat(admin.stepUpResult(wrong)).isEqualTo("FAILED");
        assertRefusedCredential(deleteOwn(admin, wrong));
        assertThat(admin.stepUpResult(wrong)).isEqualTo("FAILED");
        assertRefusedCredential(deleteOwn(admin, wrong));
        assertThat(admin.stepUpResult(wrong)).isEqualTo("FAILED");
        assertThrottled(deleteOwn(admin, admin.nextCode()));
        assertThrottled(admin.stepUp(admin.nextCode()));
        assertThat(RegistrationRows.shared().failures(admin.userId())).isEqualTo(5);

        // VERIFY counts per user as well: a new secret does not start the count again.
        Pending pending = pending();
        String wrongToo = pending.totp().wrongCode();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertWrongConfirmation(pending.verify(wrongToo));
        }
        Pending again = pending.generateAgain();
        for (int attempt = 4; attempt <= 5; attempt++) {
            assertWrongConfirmation(again.verify(again.totp().wrongCode()));
        }
        assertThrottled(again.verify(again.totp().now()));
    }

    @Test
    void throttlingAnswers429WithRetryAfterAndRecovers() {
        Enrolled user = Enrolled.create(users);
        String wrong = user.totp().wrongCode();
        for (int i = 1; i <= 5; i++) {
            assertThat(user.stepUpResult(wrong)).as("attempt " + i).isEqualTo("FAILED");
        }
        Api.Reply throttled = user.stepUp(wrong);
        assertThrottled(throttled);
        assertThat(Integer.parseInt(throttled.header("Retry-After"))).isBetween(1, 2);

        // Throttled attempts are not checked, not even a right code: the same answer.
        assertThrottled(user.stepUp(user.totp().now()));

        // The first attempt after the wait of 1 s is checked and counted: the next wait is 2 s.
        Api.Reply sixthFailure = untilNotThrottled(() -> user.stepUp(wrong));
        assertThat(sixthFailure.json().getString("result")).isEqualTo("FAILED");
        Api.Reply longer = user.stepUp(wrong);
        assertThrottled(longer);
        assertThat(Integer.parseInt(longer.header("Retry-After"))).isBetween(1, 2);

        String right = user.nextCode();
        Api.Reply recovered = untilNotThrottled(() -> user.stepUp(right));
        assertThat(recovered.json().getString("result")).as(recovered.toString()).isEqualTo("SUCCESS");
        // A success resets the count: five more failures are answered before the next wait.
        for (int i = 1; i <= 5; i++) {
            assertThat(user.stepUpResult(wrong)).as("attempt " + i + " after the reset").isEqualTo("FAILED");
        }
        assertThrottled(user.stepUp(wrong));
    }

    // ---------------------------------------------------------------- helpers

    /** A user with a pending enrolment (GENERATE_SECRET) and its authenticator. */
    record Pending(String userId, Api api, TestTotp totp) {

        Api.Reply verify(String code) {
            return api.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + code + "\"}");
        }

        /** The same user starting over: a new secret replaces the pending one. */
        Pending generateAgain() {
            return new Pending(userId, api, generate(api));
        }
    }

    private Pending pending() {
        Users.Identity user = users.create();
        Api me = api.token(user.token());
        return new Pending(user.userId(), me, generate(me));
    }

    private static TestTotp generate(Api me) {
        Api.Reply challenge = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        assertThat(challenge.status()).as(challenge.toString()).isEqualTo(200);
        return TestTotp.fromUri(challenge.json().getJsonObject("additionalDetails").getString("uri"));
    }

    private static Api.Reply deleteOwn(Enrolled admin, String code) {
        return admin.api().delete("/api/mfa/register/TOTP/" + code);
    }

    private static void assertWrongConfirmation(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.errorCode()).isEqualTo("MFA-0007");
    }

    private static void assertRefusedCredential(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
        assertThat(reply.errorCode()).isEqualTo("MFA-0006");
    }

    private static void assertDeleted(Enrolled admin, Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(admin.api().get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("UNREGISTERED");
    }

    /** {@code times} step-ups with the wrong code {@code wrong}, each answered FAILED. */
    private static void assertFailsTimes(Enrolled user, String wrong, int times) {
        for (int attempt = 1; attempt <= times; attempt++) {
            assertThat(user.stepUpResult(wrong)).as("attempt %d", attempt).isEqualTo("FAILED");
        }
    }

    static void assertThrottled(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(429);
        assertThat(reply.errorCode()).isEqualTo("MFA-0005");
        assertThat(Long.parseLong(reply.header("Retry-After"))).isPositive();
    }

    /** Repeats the attempt until the throttle's wait is over: attempts inside it are not checked. */
    private static Api.Reply untilNotThrottled(java.util.function.Supplier<Api.Reply> attempt) {
        return Waits.until(Duration.ofSeconds(10), "the throttle's wait to end", attempt, reply -> reply.status() != 429);
    }
}
