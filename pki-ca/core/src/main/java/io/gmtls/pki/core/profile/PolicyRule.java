package io.gmtls.pki.core.profile;

/**
 * One small check or completion of a draft certificate (a validator throws a 400
 * {@link io.gmtls.pki.core.PkiException}; a modifier changes the draft). Rules compose in order.
 */
@FunctionalInterface
public interface PolicyRule {

    void apply(IssuanceDraft draft);
}
