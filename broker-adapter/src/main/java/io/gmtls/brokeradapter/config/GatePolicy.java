package io.gmtls.brokeradapter.config;

/**
 * What the gate decides on its own, around the CA's answer. The base rules are fixed and cannot be
 * switched off: a PPv2 header whose certificate did not verify, or that has no CN, is refused
 * without asking the CA. Every option here only makes the gate stricter, or changes what the
 * broker sees.
 *
 * @param usernameFromCn            forward CONNECT with the username set to the certificate CN
 *                                  (for brokers whose ACLs key on the username)
 * @param enforceAcl                enforce the {@code acl} of the CA's answer on PUBLISH, SUBSCRIBE and
 *                                  the will message
 * @param requireCertificateSerial  also refuse headers without the certificate serial TLV (0xE0)
 * @param requireClientIdEqualsCn   also refuse clients whose client identifier is not the CN
 */
public record GatePolicy(boolean usernameFromCn, boolean enforceAcl, boolean requireCertificateSerial,
                         boolean requireClientIdEqualsCn) {
}
