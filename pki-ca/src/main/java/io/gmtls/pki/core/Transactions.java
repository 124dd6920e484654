package io.gmtls.pki.core;

import java.util.function.Supplier;

/** Runs work in one database transaction (a port; the store implements it). */
public interface Transactions {

    /** Runs {@code work} in a transaction: commits when it returns, rolls back when it throws. */
    <T> T inTransaction(Supplier<T> work);
}
