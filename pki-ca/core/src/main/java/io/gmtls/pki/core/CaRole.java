package io.gmtls.pki.core;

/** The place of a CA in the hierarchy. */
public enum CaRole {
    /** A self-signed root; its key may stay offline (certificate imported only). */
    ROOT,
    /** An issuing CA whose key this service holds and signs with. */
    ISSUING
}
