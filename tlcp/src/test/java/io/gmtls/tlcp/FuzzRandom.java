package io.gmtls.tlcp;

import java.security.SecureRandom;

/**
 * A deterministic {@link SecureRandom} for fuzz targets: replays a given prefix (e.g. a recorded
 * client_random), then a SplitMix64 stream from a fixed seed. Reset before each input, so that the
 * same input always takes the same path — coverage-guided fuzzing depends on it. Tests only.
 */
final class FuzzRandom extends SecureRandom {

  private static final long serialVersionUID = 1L;

  private byte[] prefix = new byte[0];
  private int used;
  private long state;

  /** Starts over: the next bytes are {@code prefix}, then the stream of {@code seed}. */
  synchronized void reset(byte[] prefix, long seed) {
    this.prefix = prefix.clone();
    this.used = 0;
    this.state = seed;
  }

  @Override
  public synchronized void nextBytes(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && used < prefix.length) {
      bytes[i++] = prefix[used++];
    }
    while (i < bytes.length) {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z ^= z >>> 31;
      for (int k = 0; k < 8 && i < bytes.length; k++, z >>>= 8) {
        bytes[i++] = (byte) z;
      }
    }
  }

  @Override
  public void setSeed(long seed) {
    // The stream is fixed by reset(); SecureRandom's constructor calls this before fields exist.
  }

  @Override
  public byte[] generateSeed(int numBytes) {
    byte[] b = new byte[numBytes];
    nextBytes(b);
    return b;
  }
}
