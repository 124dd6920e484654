package io.gmtls.crypto.tls;

import org.bouncycastle.jsse.BCSSLParameters;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.SignatureScheme;

/**
 * The RFC 8998 profile of TLS 1.3 (ShangMi suites) as this package runs it: TLS_SM4_GCM_SM3 only, key
 * exchange on curveSM2 only, signatures sm2sig_sm3 only, and how BouncyCastle's JSSE is told so.
 */
public final class Rfc8998 {

    /** TLS_SM4_GCM_SM3 (0x00C6). */
    public static final int TLS_SM4_GCM_SM3 = CipherSuite.TLS_SM4_GCM_SM3;
    /** curveSM2 (41). */
    public static final int CURVE_SM2 = NamedGroup.curveSM2;
    /** sm2sig_sm3 (0x0708). */
    public static final int SM2SIG_SM3 = SignatureScheme.sm2sig_sm3;
    /** TLS 1.3's supported_versions value. */
    public static final int TLS13_VERSION = 0x0304;

    /** The cipher suite's name as JSSE and the PPv2 TLV use it. */
    public static final String CIPHER_SUITE_NAME = "TLS_SM4_GCM_SM3";
    public static final String PROTOCOL = "TLSv1.3";
    public static final String SIGNATURE_SCHEME_NAME = "sm2sig_sm3";
    public static final String NAMED_GROUP_NAME = "curveSM2";

    /**
     * The key type BCJSSE asks a key manager for when it wants an SM2 key for sm2sig_sm3 in TLS 1.3
     * ("EC/" + the curve's standard name). Its own key manager has no filter for it, hence
     * {@link Sm2KeyManager}.
     */
    public static final String BC_KEY_TYPE = "EC/" + NamedGroup.getStandardName(NamedGroup.curveSM2);

    private Rfc8998() {
    }

    /** Engine parameters restricting a BCJSSE engine to the profile; the caller adds client-auth flags. */
    public static BCSSLParameters parameters() {
        BCSSLParameters parameters = new BCSSLParameters(new String[] {CIPHER_SUITE_NAME}, new String[] {PROTOCOL});
        parameters.setSignatureSchemes(new String[] {SIGNATURE_SCHEME_NAME});
        parameters.setSignatureSchemesCert(new String[] {SIGNATURE_SCHEME_NAME});
        parameters.setNamedGroups(new String[] {NAMED_GROUP_NAME});
        return parameters;
    }
}
