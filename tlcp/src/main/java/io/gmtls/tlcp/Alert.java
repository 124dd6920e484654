package io.gmtls.tlcp;

import java.util.Locale;

/** TLCP alert descriptions, GB/T 38636-2020 clause 6.3.3.2 (TLS 1.1 codes plus the GM ones). */
public enum Alert {
  CLOSE_NOTIFY(0),
  UNEXPECTED_MESSAGE(10),
  BAD_RECORD_MAC(20),
  DECRYPTION_FAILED(21),
  RECORD_OVERFLOW(22),
  DECOMPRESSION_FAILURE(30),
  HANDSHAKE_FAILURE(40),
  BAD_CERTIFICATE(42),
  UNSUPPORTED_CERTIFICATE(43),
  CERTIFICATE_REVOKED(44),
  CERTIFICATE_EXPIRED(45),
  CERTIFICATE_UNKNOWN(46),
  ILLEGAL_PARAMETER(47),
  UNKNOWN_CA(48),
  ACCESS_DENIED(49),
  DECODE_ERROR(50),
  DECRYPT_ERROR(51),
  PROTOCOL_VERSION(70),
  INSUFFICIENT_SECURITY(71),
  INTERNAL_ERROR(80),
  USER_CANCELED(90),
  NO_RENEGOTIATION(100),
  UNSUPPORTED_SITE2SITE(200),
  NO_AREA(201),
  UNSUPPORTED_AREATYPE(202),
  BAD_IBCPARAM(203),
  UNSUPPORTED_IBCPARAM(204),
  IDENTITY_NEED(205);

  /** Alert level warning (1). */
  public static final int LEVEL_WARNING = 1;
  /** Alert level fatal (2). */
  public static final int LEVEL_FATAL = 2;

  private final int code;

  Alert(int code) {
    this.code = code;
  }

  /** The one-byte AlertDescription value. */
  public int code() {
    return code;
  }

  /** The standard's name, e.g. {@code bad_record_mac}. */
  public String description() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The alert with that code, or null for a code the standard does not define. */
  public static Alert of(int code) {
    for (Alert a : values()) {
      if (a.code == code) {
        return a;
      }
    }
    return null;
  }
}
