package io.gmtls.pki.store;

/**
 * The PostgreSQL NOTIFY channel that tells every CA node that revocation or registration state
 * changed (their broker-auth caches drop what they hold). Payloads: {@code revoked:<serial>},
 * {@code vehicle}, {@code model}.
 */
public final class ChangeChannel {

    /** Channel name. */
    public static final String NAME = "gmtls_pki_change";

    private ChangeChannel() {
    }
}
