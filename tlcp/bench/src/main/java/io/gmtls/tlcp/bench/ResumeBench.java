package io.gmtls.tlcp.bench;

import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.gmtls.tlcp.TlcpSession;
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

/** Abbreviated handshakes resuming a cached session by ID (client and server in memory). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ResumeBench {

  @Param({"ECC_SM4_GCM_SM3", "ECDHE_SM4_GCM_SM3"})
  public String suite;

  private TlcpContext server;
  private TlcpContext client;

  @Setup(Level.Trial)
  public void setup() throws SSLException {
    TlcpCipherSuite s = TlcpCipherSuite.valueOf(suite);
    server = BenchPki.server(s, 1000);
    client = BenchPki.client(s, 1000);
    new MemoryLink(client.newClientEngine("localhost", 8443), server.newServerEngine()).handshake();
    if (!((TlcpSession) resumedHandshake(new HandshakeBench.ServerCpu())).resumed()) {
      throw new IllegalStateException("resumption did not happen");
    }
  }

  @Benchmark
  public Object resumedHandshake(HandshakeBench.ServerCpu cpu) throws SSLException {
    MemoryLink link = new MemoryLink(client.newClientEngine("localhost", 8443), server.newServerEngine()).handshake();
    cpu.serverCpuNanos += link.serverCpuNanos;
    cpu.serverWallNanos += link.serverWallNanos;
    cpu.handshakes++;
    return link.server.getSession();
  }
}
