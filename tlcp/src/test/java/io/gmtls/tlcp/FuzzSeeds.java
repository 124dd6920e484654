package io.gmtls.tlcp;

import io.gmtls.tlcp.message.ClientHello;
import io.gmtls.tlcp.message.Extension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Writes the seed corpus of the fuzz targets from the recorded Tongsuo sessions:
 * {@code java -cp <test classpath> io.gmtls.tlcp.FuzzSeeds src/test/resources}.
 * Seeds are one control byte (suite index in bits 0-1, chunk code in bits 2-7) and then bytes
 * exactly as a peer sent them. Findings are added next to them by hand (see the README).
 */
final class FuzzSeeds {

  private FuzzSeeds() {
  }

  public static void main(String[] args) throws Exception {
    Path resources = Path.of(args[0], "io", "gmtls", "tlcp");
    Path serverRecords = resources.resolve("ServerEngineFuzzTestInputs").resolve("serverRecords");
    Path afterHello = resources.resolve("ServerEngineFuzzTestInputs").resolve("serverAfterClientHello");
    Path clientRecords = resources.resolve("ClientEngineFuzzTestInputs").resolve("clientRecords");
    for (int i = 0; i < 4; i++) {
      String name = FuzzPeers.TRANSCRIPTS.get(i).replace(".json", "");
      JsonNode json = Interop.json(FuzzPeers.TRANSCRIPTS.get(i));
      byte[] c2s = Interop.hex(json.get("client_to_server_hex"));
      byte[] s2c = Interop.hex(json.get("server_to_client_hex"));
      write(serverRecords, name, i, c2s);
      write(afterHello, name, i, Arrays.copyOfRange(c2s, FuzzPeers.CLIENT_HELLO_RECORDS[i].length, c2s.length));
      write(clientRecords, name, i, s2c);
    }
    // The same flights cut into small pieces: records and messages split across reads.
    JsonNode gcm = Interop.json("ecc_sm4_gcm_sm3.json");
    write(serverRecords, "ecc_sm4_gcm_sm3-chunk1", 1 | 1 << 2, Interop.hex(gcm.get("client_to_server_hex")));
    write(clientRecords, "ecc_sm4_gcm_sm3-chunk49", 1 | 7 << 2, Interop.hex(gcm.get("server_to_client_hex")));
    for (String file : List.of("resume_ticket", "resume_id")) {
      JsonNode second = Interop.json(file + ".json").get("connections").get(1);
      write(serverRecords, file, 1, Interop.hex(second.get("client_to_server_hex")));
      write(clientRecords, file, 1, Interop.hex(second.get("server_to_client_hex")));
    }
    // A TLS 1.2 ClientHello (record version 0x0301, hello version 0x0303).
    byte[] tls = new ClientHello(0x0303, new byte[32], new byte[0], new int[] {0xC02F, 0x00FF},
        new byte[] {0}, List.of(new Extension(Extension.SESSION_TICKET, new byte[0]))).encode();
    write(serverRecords, "tls12-client-hello", 0, record(22, 0x0301, tls));
    write(serverRecords, "close-notify", 0, record(21, 0x0101, new byte[] {1, 0}));
    write(clientRecords, "fatal-handshake-failure", 0, record(21, 0x0101, new byte[] {2, 40}));
    write(clientRecords, "hello-request", 0, record(22, 0x0101, new byte[] {0, 0, 0, 0}));
  }

  private static byte[] record(int type, int version, byte[] fragment) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    out.write(version >>> 8);
    out.write(version);
    out.write(fragment.length >>> 8);
    out.write(fragment.length);
    out.writeBytes(fragment);
    return out.toByteArray();
  }

  private static void write(Path dir, String name, int control, byte[] data) throws IOException {
    Files.createDirectories(dir);
    byte[] seed = new byte[1 + data.length];
    seed[0] = (byte) control;
    System.arraycopy(data, 0, seed, 1, data.length);
    Files.write(dir.resolve("seed-" + name), seed);
  }
}
