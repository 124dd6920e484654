package io.gmtls.tlcp.crypto.fast;

import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import java.security.SecureRandom;

/**
 * The {@link TlcpCrypto} a context gets when its builder is given none: {@link FastTlcpCrypto},
 * or {@link BcTlcpCrypto} when the system property {@value #PROPERTY} is {@code bc}; any other
 * value is an error, not a silent default.
 *
 * <p>Why FastTlcpCrypto is the default: measured per operation against BouncyCastle in the same
 * run (thread CPU, interleaved; bench/results/sm2.md), it is faster for every SM2 operation of a
 * full handshake — signing, verification with a freshly decoded key and with a kept one, key
 * generation, the key exchange — and decrypts with BouncyCastle's code, which is faster there.
 * {@code bc} stays selectable as the reference implementation.
 */
public final class TlcpCryptos {

  /** System property choosing the default implementation: {@code fast} (default) or {@code bc}. */
  public static final String PROPERTY = "gmtls.tlcp.crypto";

  private TlcpCryptos() {}

  /** The default implementation with a new {@link SecureRandom}. */
  public static TlcpCrypto createDefault() {
    return createDefault(new SecureRandom());
  }

  /**
   * The default implementation on {@code random}.
   *
   * @throws IllegalArgumentException if {@value #PROPERTY} names no implementation
   */
  public static TlcpCrypto createDefault(SecureRandom random) {
    String choice = System.getProperty(PROPERTY, "fast");
    return switch (choice) {
      case "fast" -> new FastTlcpCrypto(random);
      case "bc" -> new BcTlcpCrypto(random);
      default -> throw new IllegalArgumentException(
          PROPERTY + ": unknown TLCP crypto implementation '" + choice + "' (fast or bc)");
    };
  }
}
