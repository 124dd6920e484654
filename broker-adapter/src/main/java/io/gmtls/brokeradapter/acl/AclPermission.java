package io.gmtls.brokeradapter.acl;

/** What a matching ACL rule decides. */
public enum AclPermission {
    /** The operation may go on. */
    ALLOW,
    /** The operation is refused. */
    DENY
}
