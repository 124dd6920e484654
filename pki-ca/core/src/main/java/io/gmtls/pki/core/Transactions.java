package io.gmtls.pki.core;

import java.util.function.Supplier;

/** Runs work in one database transaction (a port; the store implements it). */
public interface Transactions {

    /** Runs {@code work} in a transaction: commits when it returns, rolls back when it throws. */
    <T> T inTransaction(Supplier<T> work);

    /**
     * Runs {@code task} once the transaction the caller is in has committed, outside of it and after
     * its locks are released (at once when the caller is in no transaction; never when it rolls
     * back). Work that must not hold the transaction's locks, such as republishing a CRL after a
     * revocation, goes here: taking more locks inside an outer transaction is how lock cycles start.
     * The default suits stores without transactions.
     */
    default void afterCommit(Runnable task) {
        task.run();
    }
}
