package io.gmtls.tlcp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Fuzz target for the client engine: it sends its ClientHello, then parses the fuzzed bytes as
 * the server's answer. Input: one control byte (bits 0-1 pick the suite, bits 2-7 the chunk size),
 * then the server's bytes. The client replays the recorded client_random of that suite's Tongsuo
 * transcript, so a recorded server flight in the corpus passes the ServerKeyExchange signature
 * and the client goes on to its own flight and the server's protected Finished.
 */
class ClientEngineFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void clientRecords(byte[] input) throws SSLException {
    if (input.length == 0) {
      return;
    }
    int control = input[0] & 0xff;
    FuzzPeers.RANDOM.reset(FuzzPeers.CLIENT_RANDOMS[control & 3], 2);
    SSLEngine engine = FuzzPeers.CLIENTS[control & 3].newClientEngine("localhost", 443);
    engine.beginHandshake();
    FuzzDriver.drive(engine, input, 1, FuzzDriver.chunk(control));
  }
}
