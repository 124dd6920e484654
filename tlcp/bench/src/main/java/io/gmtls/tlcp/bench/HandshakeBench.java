package io.gmtls.tlcp.bench;

import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Full handshakes with client authentication, client and server in memory on one thread, the
 * same vehicle every time: with the server's certificate cache on (a reconnecting vehicle: no
 * chain signature verification) and off (a vehicle seen for the first time). Secondary results:
 * the server's CPU time and the handshake count per iteration, whose quotient is the server CPU
 * per handshake.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBench {

  @Param({"ECC_SM4_GCM_SM3", "ECDHE_SM4_GCM_SM3"})
  public String suite;

  @Param({"on", "off"})
  public String chainCache;

  private TlcpContext server;
  private TlcpContext client;

  /** Server CPU and elapsed time spent, and handshakes done, summed per iteration. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class ServerCpu {
    public long serverCpuNanos;
    public long serverWallNanos;
    public long handshakes;

    @Setup(Level.Iteration)
    public void reset() {
      serverCpuNanos = 0;
      serverWallNanos = 0;
      handshakes = 0;
    }
  }

  @Setup(Level.Trial)
  public void setup() throws SSLException {
    TlcpCipherSuite s = TlcpCipherSuite.valueOf(suite);
    server = BenchPki.server(s, 0, "on".equals(chainCache));
    client = BenchPki.client(s, 0);
  }

  @Benchmark
  public Object fullHandshake(ServerCpu cpu) throws SSLException {
    MemoryLink link = new MemoryLink(client.newClientEngine("localhost", 443), server.newServerEngine()).handshake();
    cpu.serverCpuNanos += link.serverCpuNanos;
    cpu.serverWallNanos += link.serverWallNanos;
    cpu.handshakes++;
    return link.server.getSession();
  }
}
