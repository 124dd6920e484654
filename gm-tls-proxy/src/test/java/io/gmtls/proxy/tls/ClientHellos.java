package io.gmtls.proxy.tls;

import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import java.nio.ByteBuffer;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Real ClientHello records, produced by client engines, for parser and selector tests. */
final class ClientHellos {

    private ClientHellos() {
    }

    /** A JDK TLS 1.3 client's first flight (one record) for the given SNI name. */
    static byte[] jdk(String host) throws Exception {
        return firstFlight(jdkEngine(host, "TLSv1.3"));
    }

    /** A JDK client's ClientHello offering TLS 1.2 only. */
    static byte[] jdkTls12(String host) throws Exception {
        return firstFlight(jdkEngine(host, "TLSv1.2"));
    }

    /** The RFC 8998-only BouncyCastle client's first flight. */
    static byte[] sm2(String host) throws Exception {
        return firstFlight(Sm2Tls13ClientEngines.create(null, TestPki.PKI.sm2Trust()).newEngine(host, 443));
    }

    private static SSLEngine jdkEngine(String host, String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine(host, 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        parameters.setServerNames(List.of(new SNIHostName(host)));
        engine.setSSLParameters(parameters);
        return engine;
    }

    static byte[] firstFlight(SSLEngine engine) throws Exception {
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }
}
