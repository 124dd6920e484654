package io.gmtls.tlcp.crypto.fast;

import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import java.security.SecureRandom;

/**
 * The {@link TlcpCrypto} a context gets when its builder is given none: {@link BcTlcpCrypto}, or
 * {@link FastTlcpCrypto} when the system property {@value #PROPERTY} is {@code fast}; any other
 * value is an error, not a silent default.
 *
 * <p>Why BouncyCastle stays the default: FastTlcpCrypto passes every cross-check and the whole
 * tlcp test suite, but on this JDK its field multiplication (64-bit limbs, carries computed with
 * masks for constant time) is no faster than BouncyCastle's 32-bit one, so only the fixed-base
 * operations (signing, key generation) win, while verification and decryption lose (see
 * bench/results/sm2.md). The default moves when the measurement says so.
 */
public final class TlcpCryptos {

  /** System property choosing the default implementation: {@code bc} (default) or {@code fast}. */
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
    String choice = System.getProperty(PROPERTY, "bc");
    return switch (choice) {
      case "fast" -> new FastTlcpCrypto(random);
      case "bc" -> new BcTlcpCrypto(random);
      default -> throw new IllegalArgumentException(
          PROPERTY + ": unknown TLCP crypto implementation '" + choice + "' (fast or bc)");
    };
  }
}
