package io.gmtls.proxy.warmup;

import java.nio.ByteBuffer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import io.netty.util.ReferenceCountUtil;

/**
 * Runs one handshake between a client and a server {@link SSLEngine} in memory — no socket, no event
 * loop — and then one application byte each way, the same engine calls Netty's {@code SslHandler}
 * makes. Bounded: a handshake that needs more than {@value #MAX_STEPS} exchanges is a failure.
 */
final class EnginePair {

    private static final int MAX_STEPS = 64;
    private static final int BUFFER = 64 * 1024;

    private final ByteBuffer clientToServer = ByteBuffer.allocate(BUFFER);
    private final ByteBuffer serverToClient = ByteBuffer.allocate(BUFFER);
    private final ByteBuffer clientApp = ByteBuffer.allocate(BUFFER);
    private final ByteBuffer serverApp = ByteBuffer.allocate(BUFFER);
    private final ByteBuffer empty = ByteBuffer.allocate(0);

    /**
     * Handshakes {@code client} with {@code server}, then releases both (Netty's native engines are
     * reference counted).
     *
     * @throws SSLException when either side fails or the handshake doesn't end
     */
    void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        clientToServer.clear();
        serverToClient.clear();
        try {
            client.beginHandshake();
            server.beginHandshake();
            int steps = 0;
            while (handshaking(client) || handshaking(server)) {
                if (++steps > MAX_STEPS) {
                    throw new SSLException("warm-up handshake did not end within " + MAX_STEPS + " exchanges");
                }
                step(client, clientToServer, serverToClient, clientApp);
                step(server, serverToClient, clientToServer, serverApp);
            }
            // One byte each way: the record layer's seal and open.
            send(client, clientToServer);
            receive(server, clientToServer, serverApp);
            send(server, serverToClient);
            receive(client, serverToClient, clientApp);
        } finally {
            ReferenceCountUtil.release(client);
            ReferenceCountUtil.release(server);
        }
    }

    private static boolean handshaking(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED;
    }

    /** Lets {@code engine} read what its peer wrote and write what it has to say. */
    private void step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws SSLException {
        in.flip();
        try {
            while (in.hasRemaining()) {
                app.clear();
                SSLEngineResult r = engine.unwrap(in, app);
                runTasks(engine);
                if (r.getStatus() != SSLEngineResult.Status.OK || (r.bytesConsumed() == 0 && r.bytesProduced() == 0)) {
                    break;
                }
            }
        } finally {
            in.compact();
        }
        if (!handshaking(engine)) {
            return;
        }
        // At least one wrap while handshaking: BoringSSL's server says NEED_UNWRAP after the client's
        // Finished until a wrap lets it finish (Netty's SslHandler always wraps after an unwrap too).
        do {
            SSLEngineResult r = engine.wrap(empty, out);
            runTasks(engine);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0) {
                break;
            }
        } while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
    }

    private void send(SSLEngine engine, ByteBuffer out) throws SSLException {
        engine.wrap(ByteBuffer.wrap(new byte[] {'w'}), out);
    }

    private static void receive(SSLEngine engine, ByteBuffer in, ByteBuffer app) throws SSLException {
        in.flip();
        try {
            while (in.hasRemaining()) {
                app.clear();
                SSLEngineResult r = engine.unwrap(in, app);
                runTasks(engine);
                if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                    break;
                }
            }
        } finally {
            in.compact();
        }
    }

    private static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
