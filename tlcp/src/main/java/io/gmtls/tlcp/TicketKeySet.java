package io.gmtls.tlcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The keys that protect session tickets (RFC 5077 clause 4): each key has a 16-byte name (sent in
 * the clear at the start of every ticket, so the server knows which key to try) and a 16-byte
 * SM4-GCM key. The first key encrypts new tickets; the others only decrypt, so tickets survive a
 * rotation until their key drops out of the set. Tickets decrypted with a non-first key are
 * renewed.
 *
 * <p>A fleet of gateways shares the set through a file, one key a line, newest first:
 * <pre>
 * # name (32 hex)                  SM4 key (32 hex)
 * 8f1c0a4e5b7d9a2c3e4f506172839405 00112233445566778899aabbccddeeff
 * </pre>
 * {@link #rotate()} / {@link #save(Path)} on one node and {@link #reload()} on the others (e.g.
 * from a file watcher or a timer) roll keys without a restart. Thread-safe: the set is an
 * immutable list swapped atomically.
 */
public final class TicketKeySet {

  /** How many keys {@link #rotate()} keeps by default (the new one and two older). */
  public static final int DEFAULT_MAX_KEYS = 3;

  private static final int NAME = 16;
  private static final int KEY = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One key: name and SM4 key (never printed). */
  static final class Key {
    final byte[] name;
    final byte[] secret;

    Key(byte[] name, byte[] secret) {
      this.name = name.clone();
      this.secret = secret.clone();
    }

    @Override
    public String toString() {
      return "TicketKey[" + HexFormat.of().formatHex(name) + "]";
    }
  }

  private volatile List<Key> keys;
  private final Path source;
  private final int maxKeys;

  private TicketKeySet(List<Key> keys, Path source, int maxKeys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("ticket keys: at least one key is required");
    }
    this.keys = List.copyOf(keys);
    this.source = source;
    this.maxKeys = maxKeys;
  }

  /** A set with one fresh random key (tickets then only work on this node). */
  public static TicketKeySet generate() {
    return new TicketKeySet(List.of(randomKey()), null, DEFAULT_MAX_KEYS);
  }

  /**
   * Reads a key file (format in the class comment).
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and line for malformed content
   */
  public static TicketKeySet load(Path file) throws IOException {
    return new TicketKeySet(read(file), file, DEFAULT_MAX_KEYS);
  }

  private static List<Key> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    List<Key> out = new ArrayList<>();
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      String where = file + ":" + (i + 1);
      if (parts.length != 2 || parts[0].length() != 2 * NAME || parts[1].length() != 2 * KEY) {
        throw new IllegalArgumentException(where + ": expected '<32 hex name> <32 hex key>'");
      }
      try {
        Key k = new Key(hex.parseHex(parts[0]), hex.parseHex(parts[1]));
        for (Key other : out) {
          if (Arrays.equals(other.name, k.name)) {
            throw new IllegalArgumentException(where + ": duplicate key name");
          }
        }
        out.add(k);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": not hexadecimal");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no ticket key");
    }
    return out;
  }

  /**
   * Re-reads the file this set was loaded from; on any error the current keys stay.
   *
   * @throws IllegalStateException if the set was not loaded from a file
   */
  public void reload() throws IOException {
    if (source == null) {
      throw new IllegalStateException("ticket keys were not loaded from a file");
    }
    keys = List.copyOf(read(source));
  }

  /** Puts a new random key first; keeps at most {@value #DEFAULT_MAX_KEYS} keys. */
  public void rotate() {
    synchronized (this) {
      List<Key> next = new ArrayList<>(keys.size() + 1);
      next.add(randomKey());
      next.addAll(keys);
      keys = List.copyOf(next.subList(0, Math.min(next.size(), maxKeys)));
    }
  }

  /** Writes the keys to {@code file} (owner read/write only where the file system allows). */
  public void save(Path file) throws IOException {
    StringBuilder s = new StringBuilder("# TLCP session ticket keys, newest first: name key\n");
    HexFormat hex = HexFormat.of();
    for (Key k : keys) {
      s.append(hex.formatHex(k.name)).append(' ').append(hex.formatHex(k.secret)).append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, s, StandardCharsets.US_ASCII);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: permissions are the operator's business there.
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Number of keys. */
  public int size() {
    return keys.size();
  }

  /** Hex name of the key that encrypts new tickets. */
  public String currentKeyName() {
    return HexFormat.of().formatHex(keys.get(0).name);
  }

  Key current() {
    return keys.get(0);
  }

  /**
   * Whether {@code ticket} names one of these keys (its first 16 bytes): a cheap check, no
   * decryption — a ticket that passes may still fail to open, and its holder then gets a full
   * handshake. For admission decisions taken before any cryptography.
   */
  public boolean namesKey(byte[] ticket) {
    return ticket != null && ticket.length > NAME && find(ticket, 0) != null;
  }

  /** The key with that name and whether it is the current one, or null. */
  Key find(byte[] name, int offset) {
    for (Key k : keys) {
      if (Arrays.equals(k.name, 0, NAME, name, offset, offset + NAME)) {
        return k;
      }
    }
    return null;
  }

  private static Key randomKey() {
    byte[] name = new byte[NAME];
    byte[] secret = new byte[KEY];
    RANDOM.nextBytes(name);
    RANDOM.nextBytes(secret);
    return new Key(name, secret);
  }

  @Override
  public String toString() {
    return "TicketKeySet[" + keys.size() + " keys, current=" + currentKeyName() + "]";
  }
}
