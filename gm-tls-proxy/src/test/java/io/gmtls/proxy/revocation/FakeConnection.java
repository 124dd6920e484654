package io.gmtls.proxy.revocation;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A registered "connection" that counts its revocation closes and unregisters itself, as a real one does on close. */
final class FakeConnection implements LiveConnections.Revocable {

    final AtomicInteger closed = new AtomicInteger();
    private final LiveConnections live;
    private LiveConnections.CertificateId[] ids;

    private FakeConnection(LiveConnections live) {
        this.live = live;
    }

    static FakeConnection register(LiveConnections live, X509Certificate... endEntities) {
        FakeConnection connection = new FakeConnection(live);
        connection.ids = live.register(connection, List.of(endEntities));
        return connection;
    }

    @Override
    public void closeRevoked() {
        closed.incrementAndGet();
        live.unregister(this, ids);
    }
}
