package io.gmtls.pki.store;

import io.gmtls.pki.core.Transactions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The core's transaction port on Spring's transaction manager (joins a transaction already open).
 *
 * <p>{@link #afterCommit} tasks of a transaction this class opened run on the caller's thread right
 * after the commit, once the connection is back in the pool: the caller sees their effect when
 * {@link #inTransaction} returns and no thread ever holds two connections. A task registered inside a
 * transaction someone else opened (a plain {@code TransactionTemplate}) runs after that commit in a
 * transaction of its own ({@code REQUIRES_NEW}), since the committed one is still bound to the thread.
 */
public final class SpringTransactions implements Transactions {

    private static final Logger log = LoggerFactory.getLogger(SpringTransactions.class);

    /** Tasks waiting for the commit of the outermost transaction opened here on this thread. */
    private static final ThreadLocal<List<Runnable>> PENDING = new ThreadLocal<>();

    private final TransactionTemplate template;
    private final TransactionTemplate detached;

    public SpringTransactions(PlatformTransactionManager manager) {
        this.template = new TransactionTemplate(manager);
        this.detached = new TransactionTemplate(manager);
        this.detached.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return template.execute(status -> work.get());
        }
        List<Runnable> previous = PENDING.get();
        List<Runnable> pending = new ArrayList<>();
        PENDING.set(pending);
        T result;
        try {
            result = template.execute(status -> work.get());
        } finally {
            PENDING.set(previous);
        }
        for (Runnable task : pending) {
            runQuietly(task);
        }
        return result;
    }

    @Override
    public void afterCommit(Runnable task) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()
                || !TransactionSynchronizationManager.isActualTransactionActive()) {
            task.run();
            return;
        }
        List<Runnable> pending = PENDING.get();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    return;
                }
                if (pending != null) {
                    pending.add(task);
                } else {
                    runQuietly(() -> detached.executeWithoutResult(s -> task.run()));
                }
            }
        });
    }

    /** A task's failure must not turn a committed transaction into an error for its caller. */
    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("a task after commit failed: {}", e.toString());
        }
    }
}
