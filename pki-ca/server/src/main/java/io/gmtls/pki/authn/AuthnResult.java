package io.gmtls.pki.authn;

/** EMQX 5 result values. */
public enum AuthnResult {
    ALLOW("allow"),
    DENY("deny"),
    IGNORE("ignore");

    private final String json;

    AuthnResult(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }
}
