package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fuzz targets' seeds reach the deep states they are meant to: a recorded server flight
 * takes the fuzzed client past certificate validation and the ServerKeyExchange signature to the
 * server's protected Finished; a recorded client flight takes the fuzzed server past the client's
 * certificate validation and ClientKeyExchange to the CertificateVerify check. If a change made
 * the harness stop early (a wrong PKI, clock or random), this fails rather than the fuzzers
 * silently exploring only the first message.
 */
class FuzzCorpusDepthTest {

  private static final Path RESOURCES = Path.of("src/test/resources/io/gmtls/tlcp");

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void recordedServerFlightReachesTheServerFinished(int suite) throws Exception {
    byte[] seed = Files.readAllBytes(RESOURCES.resolve("ClientEngineFuzzTestInputs/clientRecords/seed-"
        + FuzzPeers.TRANSCRIPTS.get(suite).replace(".json", "")));
    FuzzPeers.RANDOM.reset(FuzzPeers.CLIENT_RANDOMS[suite], 2);
    SSLEngine client = FuzzPeers.CLIENTS[suite].newClientEngine("localhost", 443);
    client.beginHandshake();
    // Our pre-master secret is not Tongsuo's: the server's Finished record cannot authenticate.
    assertThat(FuzzDriver.drive(client, seed, 1, Integer.MAX_VALUE)).isEqualTo(Alert.BAD_RECORD_MAC);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void recordedClientFlightReachesCertificateVerify(int suite) throws Exception {
    byte[] seed = Files.readAllBytes(RESOURCES.resolve("ServerEngineFuzzTestInputs/serverAfterClientHello/seed-"
        + FuzzPeers.TRANSCRIPTS.get(suite).replace(".json", "")));
    byte[] hello = FuzzPeers.CLIENT_HELLO_RECORDS[suite];
    byte[] joined = new byte[hello.length + seed.length - 1];
    System.arraycopy(hello, 0, joined, 0, hello.length);
    System.arraycopy(seed, 1, joined, hello.length, seed.length - 1);
    FuzzPeers.RANDOM.reset(new byte[0], 1);
    // Our ServerHello is not Tongsuo's: the transcript hash the client signed differs.
    assertThat(FuzzDriver.drive(FuzzPeers.SERVERS[suite].newServerEngine(), joined, 0, Integer.MAX_VALUE))
        .isEqualTo(Alert.DECRYPT_ERROR);
  }
}
