package io.gmtls.brokeradapter.acl;

/** The operations an ACL rule applies to, as EMQX names them ({@code publish}, {@code subscribe}, {@code all}). */
public enum AclAction {
    /** PUBLISH (and the will message, published by the broker on the client's behalf). */
    PUBLISH,
    /** SUBSCRIBE, per topic filter. */
    SUBSCRIBE,
    /** Both. Only in rules; a request is always {@link #PUBLISH} or {@link #SUBSCRIBE}. */
    ALL;

    /** {@code true} when a rule with this action applies to the requested operation. */
    boolean covers(AclAction requested) {
        return this == ALL || this == requested;
    }
}
