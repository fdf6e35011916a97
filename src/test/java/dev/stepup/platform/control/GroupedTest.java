package dev.stepup.platform.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GroupedTest {

    private final ExecutorService callers = Executors.newCachedThreadPool();
    /** The groups run, in order. */
    private final List<List<Integer>> groups = new CopyOnWriteArrayList<>();
    /** Holds the first group until counted down, so that the next callers wait behind it. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        callers.shutdownNow();
    }

    /** Answers each item with itself times ten; holds the first group until {@link #release}. */
    private List<Optional<Integer>> tenfold(List<Integer> items) {
        boolean first = groups.isEmpty();
        groups.add(items);
        if (first) {
            await(release);
        }
        return items.stream().map(item -> Optional.of(item * 10)).toList();
    }

    @Test
    @DisplayName("an idle caller runs its item at once, alone")
    void anIdleCallerRunsAlone() {
        release.countDown();
        Grouped<Integer, Integer> grouped = new Grouped<>("numbers", 8, this::tenfold);
        assertThat(grouped.run(1)).contains(10);
        assertThat(grouped.run(2)).contains(20);
        assertThat(groups).containsExactly(List.of(1), List.of(2));
    }

    @Test
    @DisplayName("items that arrive while a group runs wait, and run together in the next group, each answered its own")
    void itemsThatArriveMeanwhileRunTogether() throws Exception {
        Grouped<Integer, Integer> grouped = new Grouped<>("numbers", 8, this::tenfold);
        Future<Optional<Integer>> first = callers.submit(() -> grouped.run(0));
        awaitGroups(1);
        List<Future<Optional<Integer>>> later = new ArrayList<>();
        for (int item = 1; item <= 5; item++) {
            int mine = item;
            later.add(callers.submit(() -> grouped.run(mine)));
        }
        awaitWaiting(grouped, 6);
        assertThat(later).as("no answer before the running group ends").noneMatch(Future::isDone);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).contains(0);
        for (int item = 1; item <= 5; item++) {
            assertThat(later.get(item - 1).get(10, TimeUnit.SECONDS)).contains(item * 10);
        }
        assertThat(groups).hasSize(2);
        assertThat(groups.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    }

    @Test
    @DisplayName("beyond the most that may wait, a caller is left to handle its item on its own")
    void beyondTheMostWaitingACallerIsLeftAlone() throws Exception {
        Grouped<Integer, Integer> grouped = new Grouped<>("numbers", 3, this::tenfold);
        Future<Optional<Integer>> first = callers.submit(() -> grouped.run(0));
        awaitGroups(1);
        List<Future<Optional<Integer>>> waiting = List.of(callers.submit(() -> grouped.run(1)), callers.submit(() -> grouped.run(2)));
        awaitWaiting(grouped, 3);
        assertThat(grouped.run(3)).as("a fourth caller, with three waiting").isEmpty();
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).contains(0);
        assertThat(waiting.get(0).get(10, TimeUnit.SECONDS)).contains(10);
        assertThat(waiting.get(1).get(10, TimeUnit.SECONDS)).contains(20);
    }

    @Test
    @DisplayName("every item of a group whose work throws is left to its caller, and the next group runs")
    void aFailedGroupLeavesEachItemToItsCaller() throws Exception {
        Grouped<Integer, Integer> grouped = new Grouped<>("numbers", 8, items -> {
            List<Optional<Integer>> answers = tenfold(items);
            if (items.contains(13)) {
                throw new IllegalStateException("unlucky");
            }
            return answers;
        });
        Future<Optional<Integer>> first = callers.submit(() -> grouped.run(1));
        awaitGroups(1);
        List<Future<Optional<Integer>>> unlucky = List.of(callers.submit(() -> grouped.run(13)), callers.submit(() -> grouped.run(2)));
        awaitWaiting(grouped, 3);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).contains(10);
        assertThat(unlucky.get(0).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(unlucky.get(1).get(10, TimeUnit.SECONDS)).as("in the same group as 13").isEmpty();
        assertThat(grouped.run(14)).contains(140);
    }

    @Test
    @DisplayName("work that answers fewer items than it was given fails its group, which leaves each to its caller")
    void fewerAnswersThanItemsFailTheGroup() {
        Grouped<Integer, Integer> grouped = new Grouped<>("numbers", 8, items -> List.of());
        assertThat(grouped.run(1)).isEmpty();
        assertThat(grouped.run(2)).isEmpty();
    }

    /** Until {@code count} callers wait or run in {@code grouped}. */
    private static void awaitWaiting(Grouped<?, ?> grouped, int count) throws InterruptedException {
        for (int poll = 0; poll < 500 && grouped.waiting() < count; poll++) {
            Thread.sleep(10);
        }
        assertThat(grouped.waiting()).isEqualTo(count);
    }

    private void awaitGroups(int count) throws InterruptedException {
        for (int poll = 0; poll < 200 && groups.size() < count; poll++) {
            Thread.sleep(10);
        }
        assertThat(groups).hasSize(count);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).as("released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
