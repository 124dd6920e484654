package io.gmtls.enrollment.store;

import io.gmtls.enrollment.service.StoreFailures;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/** {@link StoreFailures} of the JDBC adapters: Spring's data access and transaction exceptions. */
public final class SpringStoreFailures implements StoreFailures {

    @Override
    public boolean unavailable(RuntimeException e) {
        return e instanceof DataAccessException || e instanceof TransactionException;
    }
}
