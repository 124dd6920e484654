package io.gmtls.enrollment.service;

/**
 * Which failures are the database's (a port): the RA answers them with "unavailable, nothing was
 * issued" without knowing the store's exception types.
 */
@FunctionalInterface
public interface StoreFailures {

    /** True when {@code e} says the database could not be reached or a transaction could not complete. */
    boolean unavailable(RuntimeException e);
}
