package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream that stops reading must stop the client too: the gateway turns reading off instead of
 * buffering. Plain TCP listener (the relay is the same for TLS/TLCP; only the bytes differ).
 */
class GatewayBackpressureIT {

    @TempDir
    Path dir;

    @Test
    void aStalledUpstreamStopsTheClientInsteadOfFillingTheGatewaysMemory() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        try (PpEchoUpstream upstream = new PpEchoUpstream(true)) {
            upstream.stall = true;
            upstream.bind(0);
            GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(upstream.port());
            s.plaintext = true;
            Gateway gateway = Gateway.start(fixture.write(s));
            try (Socket client = new Socket("127.0.0.1", gateway.listenerAddress("plain").getPort())) {
                client.setSendBufferSize(64 * 1024);
                AtomicLong written = new AtomicLong();
                Thread writer = new Thread(() -> {
                    byte[] chunk = new byte[16 * 1024];
                    try (OutputStream out = client.getOutputStream()) {
                        for (int i = 0; i < 64 * 64; i++) { // up to 64 MiB
                            out.write(chunk);
                            written.addAndGet(chunk.length);
                        }
                    } catch (Exception e) {
                        // closed at the end of the test
                    }
                });
                writer.setDaemon(true);
                writer.start();
                // Wait until the writer is blocked: its count stops moving.
                long last = -1;
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (System.nanoTime() - deadline < 0) {
                    Thread.sleep(500);
                    long now = written.get();
                    if (now == last && now > 0) {
                        break;
                    }
                    last = now;
                }
                long blockedAt = written.get();
                assertThat(writer.isAlive()).as("the client is blocked, not done").isTrue();
                // Kernel buffers on three sockets plus the gateway's write high-water mark: a few MiB at most.
                assertThat(blockedAt).isLessThan(16L * 1024 * 1024);
                assertThat(upstream.nextFacts()).isNotNull();
                client.setSoTimeout(200);
                try {
                    assertThat(client.getInputStream().read()).isNotEqualTo(-1);
                } catch (SocketTimeoutException expected) {
                    // still connected, nothing to read: the stall is not a close
                }
            } finally {
                gateway.shutdown(Duration.ofMillis(200));
            }
        }
    }
}
