package io.gmtls.tboxsim.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import io.gmtls.tlcp.TlcpAlertException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;

/**
 * Turns connection and handshake failures into short, stable causes for the error table of the summary:
 * {@code tcp refused}, {@code tcp connect timeout}, {@code handshake alert bad_certificate (received)},
 * {@code handshake timeout}, … The cause never carries addresses, names or free text from the peer, so
 * the table stays small whatever happens.
 */
public final class FailureCauses {

    /** JDK engine: "Received fatal alert: bad_certificate". */
    private static final Pattern JDK_RECEIVED = Pattern.compile("Received fatal alert: ([a-z_0-9]+)");
    /** BoringSSL (Netty's OpenSSL engine): "…:SSLV3_ALERT_BAD_CERTIFICATE", "TLSV13_ALERT_CERTIFICATE_REQUIRED". */
    private static final Pattern OPENSSL_RECEIVED = Pattern.compile("(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_0-9]+)");

    private FailureCauses() {
    }

    /** The cause of a failed TCP connect. */
    public static String ofConnect(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ConnectTimeoutException) {
            return "tcp connect timeout";
        }
        if (t instanceof NoRouteToHostException) {
            return "tcp no route to host";
        }
        if (t instanceof ConnectException) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("refused")) {
                return "tcp refused";
            }
            if (message.contains("cannot assign requested address") || message.contains("address not available")) {
                return "tcp no local address/port (use --bind)";
            }
            if (message.contains("network is unreachable")) {
                return "tcp network unreachable";
            }
            return "tcp connect failed";
        }
        if (t instanceof java.net.BindException) {
            return "tcp bind failed (--bind address not local?)";
        }
        return "tcp " + t.getClass().getSimpleName();
    }

    /** The cause of a failed TLS/TLCP handshake. */
    public static String ofHandshake(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof SslHandshakeTimeoutException) {
            return "handshake timeout";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TlcpAlertException alert) {
                if (alert.alert() == io.gmtls.tlcp.Alert.CLOSE_NOTIFY) {
                    // The server gave up on the handshake (its timeout, or shutting down) and said so politely.
                    return "handshake closed by peer (close_notify)";
                }
                return "handshake alert " + alert.alert().description()
                        + (alert.receivedFromPeer() ? " (received)" : " (sent)");
            }
            if (c instanceof TlsFatalAlertReceived received) {
                return "handshake alert " + AlertDescription.getName(received.getAlertDescription()) + " (received)";
            }
            if (c instanceof TlsFatalAlert sent) {
                return "handshake alert " + AlertDescription.getName(sent.getAlertDescription()) + " (sent)";
            }
            String message = c.getMessage();
            if (message != null) {
                Matcher jdk = JDK_RECEIVED.matcher(message);
                if (jdk.find()) {
                    return "handshake alert " + jdk.group(1) + " (received)";
                }
                Matcher openssl = OPENSSL_RECEIVED.matcher(message);
                if (openssl.find()) {
                    return "handshake alert " + openssl.group(1).toLowerCase(Locale.ROOT) + " (received)";
                }
                if (message.contains("PKIX") || message.contains("CERTIFICATE_VERIFY_FAILED")
                        || message.contains("certificate_unknown") || message.contains("No subject alternative")) {
                    return "handshake server certificate not trusted";
                }
            }
        }
        if (t instanceof ClosedChannelException || isClosedDuringHandshake(t)) {
            return "handshake closed by peer";
        }
        if (t instanceof SSLHandshakeException || t instanceof SSLException) {
            return "handshake failed (" + t.getClass().getSimpleName() + ")";
        }
        if (t instanceof IOException) {
            return "handshake io error (" + t.getClass().getSimpleName() + ")";
        }
        return "handshake failed (" + t.getClass().getSimpleName() + ")";
    }

    /** The cause of an I/O failure on an established connection. */
    public static String ofConnection(Throwable failure) {
        Throwable t = unwrap(failure);
        String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("connection reset")) {
            return "connection reset by peer";
        }
        if (t instanceof SSLException) {
            return "tls error (" + t.getClass().getSimpleName() + ")";
        }
        return "connection error (" + t.getClass().getSimpleName() + ")";
    }

    private static boolean isClosedDuringHandshake(Throwable t) {
        String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("closed") || message.contains("connection reset") || message.contains("eof");
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException
                || current instanceof io.netty.handler.codec.DecoderException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
