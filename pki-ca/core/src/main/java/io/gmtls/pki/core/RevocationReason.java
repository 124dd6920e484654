package io.gmtls.pki.core;

import java.util.Locale;

/** RFC 5280 §5.3.1 CRLReason codes (7 is not used). */
public enum RevocationReason {
    UNSPECIFIED(0),
    KEY_COMPROMISE(1),
    CA_COMPROMISE(2),
    AFFILIATION_CHANGED(3),
    SUPERSEDED(4),
    CESSATION_OF_OPERATION(5),
    CERTIFICATE_HOLD(6),
    REMOVE_FROM_CRL(8),
    PRIVILEGE_WITHDRAWN(9),
    AA_COMPROMISE(10);

    private final int code;

    RevocationReason(int code) {
        this.code = code;
    }

    /** The CRLReason code. */
    public int code() {
        return code;
    }

    /** The RFC 5280 name in camelCase ({@code keyCompromise}), as the revocation feed writes it. */
    public String rfcName() {
        if (this == AA_COMPROMISE) {
            return "aACompromise";
        }
        StringBuilder name = new StringBuilder();
        for (String part : name().toLowerCase(Locale.ROOT).split("_")) {
            name.append(name.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return name.toString().replace("Crl", "CRL");
    }

    /** From a code. */
    public static RevocationReason ofCode(int code) {
        for (RevocationReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw PkiException.badRequest("unknown revocation reason code " + code);
    }

    /**
     * From a name as an operator writes it: {@code keyCompromise}, {@code KEY_COMPROMISE} or
     * {@code key-compromise}. REMOVE_FROM_CRL is not a reason to revoke with.
     */
    public static RevocationReason parse(String text) {
        if (text == null || text.isBlank()) {
            return UNSPECIFIED;
        }
        String normalized = text.strip().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        for (RevocationReason r : values()) {
            if (r.name().replace("_", "").toLowerCase(Locale.ROOT).equals(normalized) && r != REMOVE_FROM_CRL) {
                return r;
            }
        }
        throw PkiException.badRequest("unknown revocation reason '" + (text.length() > 40 ? text.substring(0, 40)
                : text).replaceAll("[^\\x20-\\x7e]", "?") + "'");
    }
}
