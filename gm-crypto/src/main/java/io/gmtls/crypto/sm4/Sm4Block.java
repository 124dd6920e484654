package io.gmtls.crypto.sm4;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The SM4 block cipher (GB/T 32907-2016), encryption only (what CTR and GCM need), with the round
 * keys in an array of 32 ints and the round function's S-box and linear transform L folded into
 * one shared table of 256 ints. BouncyCastle's {@code SM4Engine} applies the S-box byte by byte and
 * then L per round and reads and writes its state through an array; per block it cost about three
 * GHASH multiplications and was most of SM4-GCM's time. Cross-checked against {@code SM4Engine} in
 * tests. Like the S-box lookups of {@code SM4Engine} (and the T-tables of OpenSSL's, Tongsuo's and
 * GmSSL's portable SM4), the lookups are indexed by cipher state, so a cache-timing observer on the
 * same core could in principle learn which 64-byte line of the 1 KB table each one touched.
 * Immutable after construction.
 */
final class Sm4Block {

  static final int BLOCK = 16;

  /** Big-endian int access to byte arrays (one load or store, bounds-checked, instead of four bytes). */
  private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private static final int[] SBOX = {
      0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05,
      0x2b, 0x67, 0x9a, 0x76, 0x2a, 0xbe, 0x04, 0xc3, 0xaa, 0x44, 0x13, 0x26, 0x49, 0x86, 0x06, 0x99,
      0x9c, 0x42, 0x50, 0xf4, 0x91, 0xef, 0x98, 0x7a, 0x33, 0x54, 0x0b, 0x43, 0xed, 0xcf, 0xac, 0x62,
      0xe4, 0xb3, 0x1c, 0xa9, 0xc9, 0x08, 0xe8, 0x95, 0x80, 0xdf, 0x94, 0xfa, 0x75, 0x8f, 0x3f, 0xa6,
      0x47, 0x07, 0xa7, 0xfc, 0xf3, 0x73, 0x17, 0xba, 0x83, 0x59, 0x3c, 0x19, 0xe6, 0x85, 0x4f, 0xa8,
      0x68, 0x6b, 0x81, 0xb2, 0x71, 0x64, 0xda, 0x8b, 0xf8, 0xeb, 0x0f, 0x4b, 0x70, 0x56, 0x9d, 0x35,
      0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, 0xd1, 0xa2, 0x25, 0x22, 0x7c, 0x3b, 0x01, 0x21, 0x78, 0x87,
      0xd4, 0x00, 0x46, 0x57, 0x9f, 0xd3, 0x27, 0x52, 0x4c, 0x36, 0x02, 0xe7, 0xa0, 0xc4, 0xc8, 0x9e,
      0xea, 0xbf, 0x8a, 0xd2, 0x40, 0xc7, 0x38, 0xb5, 0xa3, 0xf7, 0xf2, 0xce, 0xf9, 0x61, 0x15, 0xa1,
      0xe0, 0xae, 0x5d, 0xa4, 0x9b, 0x34, 0x1a, 0x55, 0xad, 0x93, 0x32, 0x30, 0xf5, 0x8c, 0xb1, 0xe3,
      0x1d, 0xf6, 0xe2, 0x2e, 0x82, 0x66, 0xca, 0x60, 0xc0, 0x29, 0x23, 0xab, 0x0d, 0x53, 0x4e, 0x6f,
      0xd5, 0xdb, 0x37, 0x45, 0xde, 0xfd, 0x8e, 0x2f, 0x03, 0xff, 0x6a, 0x72, 0x6d, 0x6c, 0x5b, 0x51,
      0x8d, 0x1b, 0xaf, 0x92, 0xbb, 0xdd, 0xbc, 0x7f, 0x11, 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a, 0xd8,
      0x0a, 0xc1, 0x31, 0x88, 0xa5, 0xcd, 0x7b, 0xbd, 0x2d, 0x74, 0xd0, 0x12, 0xb8, 0xe5, 0xb4, 0xb0,
      0x89, 0x69, 0x97, 0x4a, 0x0c, 0x96, 0x77, 0x7e, 0x65, 0xb9, 0xf1, 0x09, 0xc5, 0x6e, 0xc6, 0x84,
      0x18, 0xf0, 0x7d, 0xec, 0x3a, 0xdc, 0x4d, 0x20, 0x79, 0xee, 0x5f, 0x3e, 0xd7, 0xcb, 0x39, 0x48
  };

  private static final int[] FK = {0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc};

  /** S-box then L for a byte in the top position: T(x) is four lookups rotated into place. */
  private static final int[] T = new int[256];

  static {
    for (int a = 0; a < 256; a++) {
      int b = SBOX[a] << 24;
      T[a] = b ^ Integer.rotateLeft(b, 2) ^ Integer.rotateLeft(b, 10) ^ Integer.rotateLeft(b, 18)
          ^ Integer.rotateLeft(b, 24);
    }
  }

  private final int[] rk = new int[32];

  /** Expands a 16-byte key (the caller keeps and wipes its copy). */
  Sm4Block(byte[] key) {
    if (key.length != 16) {
      throw new IllegalArgumentException("SM4 key must be 16 bytes, was " + key.length);
    }
    int k0 = be(key, 0) ^ FK[0];
    int k1 = be(key, 4) ^ FK[1];
    int k2 = be(key, 8) ^ FK[2];
    int k3 = be(key, 12) ^ FK[3];
    for (int i = 0; i < 32; i++) {
      int ck = 0;
      for (int j = 0; j < 4; j++) {
        ck = (ck << 8) | (((4 * i + j) * 7) & 0xff);
      }
      int b = tau(k1 ^ k2 ^ k3 ^ ck);
      int k4 = k0 ^ b ^ Integer.rotateLeft(b, 13) ^ Integer.rotateLeft(b, 23);
      rk[i] = k4;
      k0 = k1;
      k1 = k2;
      k2 = k3;
      k3 = k4;
    }
  }

  /** Encrypts the block of the four big-endian words {@code x0..x3} into {@code out}. */
  void encrypt(int x0, int x1, int x2, int x3, byte[] out, int off) {
    int[] k = rk;
    for (int i = 0; i < 32; i += 4) {
      x0 ^= t(x1 ^ x2 ^ x3 ^ k[i]);
      x1 ^= t(x2 ^ x3 ^ x0 ^ k[i + 1]);
      x2 ^= t(x3 ^ x0 ^ x1 ^ k[i + 2]);
      x3 ^= t(x0 ^ x1 ^ x2 ^ k[i + 3]);
    }
    put(x3, out, off);
    put(x2, out, off + 4);
    put(x1, out, off + 8);
    put(x0, out, off + 12);
  }

  /**
   * Encrypts two blocks — the words {@code x0..x2} followed by {@code a3}, and by {@code b3} (CTR's
   * counters) — and XORs them into the 32 bytes of {@code buf} at {@code off}, a word at a time: the
   * two round chains are independent, so the processor overlaps them (CTR's blocks need no order).
   */
  void encryptXor2(int x0, int x1, int x2, int a3, int b3, byte[] buf, int off) {
    int[] k = rk;
    int a0 = x0;
    int a1 = x1;
    int a2 = x2;
    int b0 = x0;
    int b1 = x1;
    int b2 = x2;
    for (int i = 0; i < 32; i += 4) {
      int k0 = k[i];
      int k1 = k[i + 1];
      int k2 = k[i + 2];
      int k3 = k[i + 3];
      a0 ^= t(a1 ^ a2 ^ a3 ^ k0);
      b0 ^= t(b1 ^ b2 ^ b3 ^ k0);
      a1 ^= t(a2 ^ a3 ^ a0 ^ k1);
      b1 ^= t(b2 ^ b3 ^ b0 ^ k1);
      a2 ^= t(a3 ^ a0 ^ a1 ^ k2);
      b2 ^= t(b3 ^ b0 ^ b1 ^ k2);
      a3 ^= t(a0 ^ a1 ^ a2 ^ k3);
      b3 ^= t(b0 ^ b1 ^ b2 ^ k3);
    }
    xor(buf, off, a3, a2, a1, a0);
    xor(buf, off + BLOCK, b3, b2, b1, b0);
  }

  /** XORs the block of big-endian words {@code w0..w3} into {@code buf} at {@code off}. */
  private static void xor(byte[] buf, int off, int w0, int w1, int w2, int w3) {
    INT_BE.set(buf, off, (int) INT_BE.get(buf, off) ^ w0);
    INT_BE.set(buf, off + 4, (int) INT_BE.get(buf, off + 4) ^ w1);
    INT_BE.set(buf, off + 8, (int) INT_BE.get(buf, off + 8) ^ w2);
    INT_BE.set(buf, off + 12, (int) INT_BE.get(buf, off + 12) ^ w3);
  }

  /** Encrypts the block at {@code in[inOff]} into {@code out[outOff]} (which may be the same). */
  void encrypt(byte[] in, int inOff, byte[] out, int outOff) {
    encrypt(be(in, inOff), be(in, inOff + 4), be(in, inOff + 8), be(in, inOff + 12), out, outOff);
  }

  private static int t(int x) {
    return T[x >>> 24] ^ Integer.rotateRight(T[(x >>> 16) & 0xff], 8)
        ^ Integer.rotateRight(T[(x >>> 8) & 0xff], 16) ^ Integer.rotateRight(T[x & 0xff], 24);
  }

  private static int tau(int x) {
    return SBOX[x >>> 24] << 24 | SBOX[(x >>> 16) & 0xff] << 16 | SBOX[(x >>> 8) & 0xff] << 8
        | SBOX[x & 0xff];
  }

  static int be(byte[] b, int off) {
    return b[off] << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
  }

  private static void put(int v, byte[] b, int off) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
