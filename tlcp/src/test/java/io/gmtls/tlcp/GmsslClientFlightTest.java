package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.message.ServerHello;
import io.gmtls.tlcp.record.ContentType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Our server engine, fed the client flight a GmSSL 3 client recorded (ECC suites: the client sends
 * its signing certificate alone, and a CertificateVerify over the raw messages), accepts it.
 *
 * <p>GmSSL's CertificateVerify signs the server flight it saw, so our engine must send that flight
 * byte for byte: the server random comes from a replaying {@code SecureRandom} under our crypto,
 * and the two messages an engine cannot reproduce — ServerKeyExchange (SM2's random k) and
 * CertificateRequest (GmSSL asks for ecdsa_sign only, we also list rsa_sign as Tongsuo does) — are
 * swapped in through the test-only {@code outgoingHandshakeForTests} seam. ServerHello,
 * Certificate and ServerHelloDone are our engine's own bytes, and the test checks the whole flight
 * equals the recording.
 */
class GmsslClientFlightTest {

  /** Inside the recorded certificates' validity (they were made for the recording). */
  private static final Clock AT_RECORDING = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);
  private static final Path DIR = Interop.GMSSL_DIR;

  @ParameterizedTest
  @CsvSource({"ecc_sm4_cbc_sm3.json, ECC_SM4_CBC_SM3", "ecc_sm4_gcm_sm3.json, ECC_SM4_GCM_SM3"})
  void ourServerAcceptsTheRecordedGmsslClientFlight(String file, TlcpCipherSuite suite) throws Exception {
    Replay r = new Replay(file, suite);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    HandshakeStatus finished = null;
    for (byte[] record : r.clientRecords) {
      if (record[0] == ContentType.APPLICATION_DATA) {
        break;
      }
      SSLEngineResult result = r.engine.unwrap(ByteBuffer.wrap(record), ByteBuffer.allocate(ContentType.MAX_PLAINTEXT));
      assertThat(result.bytesConsumed()).isEqualTo(record.length);
      if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
        finished = result.getHandshakeStatus();
      }
      HandshakeStatus afterWrap = drain(r.engine, sent);
      if (afterWrap == HandshakeStatus.FINISHED) {
        finished = afterWrap;
      }
      if (record[0] == ContentType.HANDSHAKE && record[5] == HandshakeType.CLIENT_HELLO) {
        // Our first flight is the recorded one, byte for byte, one message per record.
        assertThat(sent.toByteArray()).isEqualTo(r.recordedServerFlight);
      }
    }
    assertThat(finished).as("handshake completed").isEqualTo(HandshakeStatus.FINISHED);
    // The client authenticated with its signing certificate alone.
    assertThat(r.engine.getSession().getPeerCertificates()).hasSize(1);
    assertThat(r.engine.getSession().getPeerCertificates()[0].getEncoded())
        .isEqualTo(Interop.cert(DIR, "client_sign.crt").getEncoded());
    assertThat(r.engine.getSession().getCipherSuite()).isEqualTo(suite.name());

    // And the client's application record, protected with keys from GmSSL's pre-master, opens.
    byte[] data = r.clientRecords.stream().filter(x -> x[0] == ContentType.APPLICATION_DATA).findFirst().orElseThrow();
    ByteBuffer app = ByteBuffer.allocate(ContentType.MAX_PLAINTEXT);
    r.engine.unwrap(ByteBuffer.wrap(data), app);
    assertThat(new String(app.array(), 0, app.position(), StandardCharsets.UTF_8)).isEqualTo("CLIENT-HELLO-FROM-GMSSL\n");
  }

  @ParameterizedTest
  @CsvSource({"ecc_sm4_cbc_sm3.json, ECC_SM4_CBC_SM3"})
  void aTamperedGmsslCertificateVerifyIsRefused(String file, TlcpCipherSuite suite) throws Exception {
    Replay r = new Replay(file, suite);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    assertThatThrownBy(() -> {
      for (byte[] record : r.clientRecords) {
        byte[] in = record;
        if (record[0] == ContentType.HANDSHAKE && record[5] == HandshakeType.CERTIFICATE_VERIFY) {
          in = record.clone();
          in[in.length - 1] ^= 1; // last byte of s: still DER, no longer the signature
        }
        r.engine.unwrap(ByteBuffer.wrap(in), ByteBuffer.allocate(ContentType.MAX_PLAINTEXT));
        drain(r.engine, sent);
      }
    }).isInstanceOfSatisfying(TlcpAlertException.class, e -> assertThat(e.alert()).isEqualTo(Alert.DECRYPT_ERROR));
  }

  /** One recorded GmSSL session and a server engine set up to replay its server side. */
  private static final class Replay {
    final List<byte[]> clientRecords;
    final byte[] recordedServerFlight;
    final TlcpEngine engine;

    Replay(String file, TlcpCipherSuite suite) throws Exception {
      JsonNode json = Interop.json(DIR, file);
      byte[] c2s = Interop.hex(json.get("client_to_server_hex"));
      byte[] s2c = Interop.hex(json.get("server_to_client_hex"));
      clientRecords = EnginePair.records(c2s);
      List<byte[]> serverRecords = EnginePair.records(s2c);
      recordedServerFlight = EnginePair.join(serverRecords.subList(0, 5));
      RecordedSession s = new RecordedSession(c2s, s2c);
      byte[] serverRandom = ServerHello.parse(s.server(HandshakeType.SERVER_HELLO).body()).random();
      byte[] ske = s.server(HandshakeType.SERVER_KEY_EXCHANGE).encoded();
      byte[] request = s.server(HandshakeType.CERTIFICATE_REQUEST).encoded();

      FuzzRandom random = new FuzzRandom();
      random.reset(serverRandom, 1); // the first 32 bytes the server draws are its random
      TlcpContext context = TlcpContext.builder()
          .signing(Interop.key(DIR, "server_sign.key"), List.of(Interop.cert(DIR, "server_sign.crt")))
          .encryption(Interop.key(DIR, "server_enc.key"), Interop.cert(DIR, "server_enc.crt"))
          .trustAnchors(List.of(Interop.cert(DIR, "ca.crt")))
          .clientAuth(ClientAuth.REQUIRED)
          .cipherSuites(List.of(suite))
          .sessionCacheSize(0) // GmSSL's server sent an empty session ID, as we do without a cache
          .crypto(new BcTlcpCrypto(random))
          .clock(AT_RECORDING)
          .outgoingHandshakeForTests(m -> switch (m[0] & 0xff) {
            case HandshakeType.SERVER_KEY_EXCHANGE -> ske;
            case HandshakeType.CERTIFICATE_REQUEST -> request;
            default -> m;
          })
          .build();
      engine = (TlcpEngine) context.newServerEngine();
    }
  }

  /** Wraps everything the engine has to send into {@code out}; the status of the last wrap. */
  private static HandshakeStatus drain(TlcpEngine engine, ByteArrayOutputStream out) throws SSLException {
    HandshakeStatus last = null;
    while (true) {
      ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), dst);
      out.write(dst.array(), 0, dst.position());
      if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
        last = HandshakeStatus.FINISHED;
      }
      if (r.bytesProduced() == 0) {
        return last;
      }
    }
  }
}
