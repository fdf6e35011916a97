package dev.stepup.platform.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the same work for concurrent callers together, as one unit (one statement, one
 * transaction): while one group runs, the items that arrive meanwhile wait, and the first of
 * them then runs them all in the next. An idle caller runs its item at once, alone; a busy one
 * waits for at most one group before its own. At most {@code most} callers wait or run at
 * once, the running group's included.
 *
 * <p>The work answers each item in order, empty for one it leaves to its caller; an item
 * beyond {@code most} waiting, and every item of a group whose work threw, is left to its
 * caller too, to be handled on its own.
 *
 * <p>Each caller sleeps on a condition of its own, so that a group's end wakes only its own
 * callers and the first of those waiting (to run the next group, unless a caller that has just
 * come takes the lead first).
 *
 * @param <I> what a caller brings
 * @param <O> what the work answers it
 */
public final class Grouped<I, O> {

    private static final Logger LOG = Logger.getLogger(Grouped.class.getName());

    private final String what;
    private final int most;
    private final Function<List<I>, List<Optional<O>>> work;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiting<I, O>> queue = new ArrayDeque<>();
    private int waiting;
    private boolean running;

    /**
     * @param what  the items, for the log line of a group that failed ("codes")
     * @param most  the most callers waiting, and so the most items of a group
     * @param work  runs a group: an answer per item, in order
     */
    public Grouped(String what, int most, Function<List<I>, List<Optional<O>>> work) {
        if (most < 1) {
            throw new IllegalArgumentException("A group needs room for one item at least");
        }
        this.what = what;
        this.most = most;
        this.work = work;
    }

    /**
     * An item, its caller's condition and, once its group has run or failed, its answer
     * (empty: left to its caller).
     */
    private static final class Waiting<I, O> {
        final I item;
        final Condition woken;
        Optional<O> answer;

        Waiting(I item, Condition woken) {
            this.item = item;
            this.woken = woken;
        }
    }

    /** How many callers wait or run now: for tests, which wait until all theirs have arrived. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** {@code item}'s answer from the group it ran in, or empty if it is left to the caller. */
    public Optional<O> run(I item) {
        Waiting<I, O> mine = new Waiting<>(item, lock.newCondition());
        lock.lock();
        if (waiting >= most) {
            lock.unlock();
            return Optional.empty();
        }
        waiting++;
        try {
            queue.add(mine);
            while (true) {
                while (mine.answer == null && running) {
                    mine.woken.awaitUninterruptibly();
                }
                if (mine.answer != null) {
                    return mine.answer;
                }
                List<Waiting<I, O>> group = new ArrayList<>(queue);
                queue.clear();
                List<Optional<O>> answers = null;
                running = true;
                try {
                    lock.unlock();
                    answers = work.apply(group.stream().map(w -> w.item).toList());
                    if (answers.size() != group.size()) {
                        throw new IllegalStateException(answers.size() + " answers for " + group.size() + " items");
                    }
                } catch (Exception e) {
                    answers = null;
                    LOG.log(Level.WARNING, "A group of " + group.size() + " " + what + " failed; each is handled on its own", e);
                } finally {
                    lock.lock();
                    for (int i = 0; i < group.size(); i++) {
                        Optional<O> answer = answers == null ? null : answers.get(i);
                        Waiting<I, O> member = group.get(i);
                        member.answer = answer == null ? Optional.empty() : answer;
                        member.woken.signal();
                    }
                    running = false;
                    Waiting<I, O> next = queue.peek();
                    if (next != null) {
                        next.woken.signal();
                    }
                }
            }
        } finally {
            waiting--;
            lock.unlock();
        }
    }
}
