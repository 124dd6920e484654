package io.gmtls.tlcp;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for the server engine's record layer and handshake parsers. Input: one control
 * byte (bits 0-1 pick the suite, bits 2-7 the chunk size, see {@link FuzzDriver#chunk}), then
 * the bytes a client would send. {@code mvn verify} replays the corpus in
 * {@code src/test/resources/io/gmtls/tlcp/ServerEngineFuzzTestInputs/<method>/}; the {@code fuzz}
 * profile fuzzes (see the README).
 */
class ServerEngineFuzzTest {

  /** Raw client bytes from the first record on. */
  @FuzzTest(maxDuration = "5m")
  void serverRecords(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int control = input[0] & 0xff;
    FuzzPeers.RANDOM.reset(new byte[0], 1);
    FuzzDriver.drive(FuzzPeers.SERVERS[control & 3].newServerEngine(), input, 1, FuzzDriver.chunk(control));
  }

  /**
   * The recorded ClientHello of the chosen suite's transcript first, then the fuzzed bytes: the
   * server is past ServerHelloDone and parses the client's Certificate, ClientKeyExchange,
   * CertificateVerify, ChangeCipherSpec and protected Finished records.
   */
  @FuzzTest(maxDuration = "5m")
  void serverAfterClientHello(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int control = input[0] & 0xff;
    byte[] hello = FuzzPeers.CLIENT_HELLO_RECORDS[control & 3];
    byte[] joined = new byte[hello.length + input.length - 1];
    System.arraycopy(hello, 0, joined, 0, hello.length);
    System.arraycopy(input, 1, joined, hello.length, input.length - 1);
    FuzzPeers.RANDOM.reset(new byte[0], 1);
    FuzzDriver.drive(FuzzPeers.SERVERS[control & 3].newServerEngine(), joined, 0, FuzzDriver.chunk(control));
  }
}
