package io.gmtls.tlcp;

/**
 * The four TLCP cipher suites (GB/T 38636-2020 clause 6.4.5.2.1), and only these. {@link #name()}
 * is the Java/JSSE name reported by {@code SSLSession.getCipherSuite()}.
 */
public enum TlcpCipherSuite {
  ECC_SM4_CBC_SM3(0xE013, "ECC-SM2-SM4-CBC-SM3", KeyExchange.ECC, BulkCipher.SM4_CBC),
  ECC_SM4_GCM_SM3(0xE053, "ECC-SM2-SM4-GCM-SM3", KeyExchange.ECC, BulkCipher.SM4_GCM),
  ECDHE_SM4_CBC_SM3(0xE011, "ECDHE-SM2-SM4-CBC-SM3", KeyExchange.ECDHE, BulkCipher.SM4_CBC),
  ECDHE_SM4_GCM_SM3(0xE051, "ECDHE-SM2-SM4-GCM-SM3", KeyExchange.ECDHE, BulkCipher.SM4_GCM);

  /** How the pre-master secret is agreed. */
  public enum KeyExchange {
    /** SM2 encryption of the pre-master secret to the server's encryption certificate. */
    ECC,
    /** SM2 key exchange (GB/T 32918.3) with ephemeral and both sides' encryption keys. */
    ECDHE
  }

  /** Record protection; the MAC / PRF hash is SM3 for all four suites. */
  public enum BulkCipher {
    /** SM4-CBC with explicit IV and HMAC-SM3, MAC-then-encrypt. */
    SM4_CBC,
    /** SM4-GCM with 4-byte implicit and 8-byte explicit nonce. */
    SM4_GCM
  }

  private final int id;
  private final String openSslName;
  private final KeyExchange keyExchange;
  private final BulkCipher cipher;

  TlcpCipherSuite(int id, String openSslName, KeyExchange keyExchange, BulkCipher cipher) {
    this.id = id;
    this.openSslName = openSslName;
    this.keyExchange = keyExchange;
    this.cipher = cipher;
  }

  /** The two-byte code point, e.g. 0xE053. */
  public int id() {
    return id;
  }

  /** The name OpenSSL/Tongsuo use, e.g. {@code ECC-SM2-SM4-GCM-SM3} (what PPv2 carries). */
  public String openSslName() {
    return openSslName;
  }

  /** The key exchange algorithm. */
  public KeyExchange keyExchange() {
    return keyExchange;
  }

  /** The record cipher. */
  public BulkCipher cipher() {
    return cipher;
  }

  /** The suite with that code point, or null. */
  public static TlcpCipherSuite of(int id) {
    for (TlcpCipherSuite s : values()) {
      if (s.id == id) {
        return s;
      }
    }
    return null;
  }
}
