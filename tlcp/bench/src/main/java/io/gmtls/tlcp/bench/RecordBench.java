package io.gmtls.tlcp.bench;

import io.gmtls.tlcp.TlcpCipherSuite;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One 16 KiB application record per operation, sealed by the client engine's {@code wrap} and
 * opened by the server engine's {@code unwrap} — compare with {@link RawCryptoBench}'s
 * seal-plus-open baselines of the same size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordBench {

  static final int RECORD = 16 * 1024;

  @Param({"ECC_SM4_GCM_SM3", "ECC_SM4_CBC_SM3"})
  public String suite;

  private MemoryLink link;
  private final ByteBuffer data = ByteBuffer.allocate(RECORD);

  @Setup(Level.Trial)
  public void setup() throws SSLException {
    TlcpCipherSuite s = TlcpCipherSuite.valueOf(suite);
    link = new MemoryLink(BenchPki.client(s, 0).newClientEngine("localhost", 443),
        BenchPki.server(s, 0).newServerEngine()).handshake();
    data.clear();
    if (link.transfer(data) != RECORD) {
      throw new IllegalStateException("a 16 KiB record did not arrive whole");
    }
  }

  @Benchmark
  public int record16k() throws SSLException {
    data.clear();
    return link.transfer(data);
  }
}
