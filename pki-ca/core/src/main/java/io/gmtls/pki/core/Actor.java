package io.gmtls.pki.core;

/** Who asked for an operation (an API key's name, the RA, a CLI user): recorded in the audit log. */
public record Actor(String name, String role) {

    /** The CA service itself (bootstrap, scheduled CRLs). */
    public static final Actor SYSTEM = new Actor("system", "system");

    public Actor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("actor name is required");
        }
    }
}
