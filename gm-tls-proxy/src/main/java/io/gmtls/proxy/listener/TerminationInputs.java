package io.gmtls.proxy.listener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import io.gmtls.proxy.config.GatewayConfig;
import io.gmtls.proxy.config.ListenerConfig;
import io.gmtls.proxy.config.Secret;
import io.gmtls.proxy.config.TlcpConfig;
import io.gmtls.proxy.config.TlsConfig;

/**
 * Everything a listener's TLCP or TLS termination is built from: its settings and a digest of the bytes
 * of every file it reads (and of the key passphrase). When a reload finds the same inputs, the running
 * termination — with its session cache, ticket key and signature cache — serves on instead of a new
 * one: a reload caused by a CRL file (or by anything else that doesn't concern the termination) must not
 * make every vehicle do a full handshake again. Revocation is not an input: the terminations ask the
 * gateway's one revocation service, whose data a reload swaps in place.
 *
 * @param settings the configuration values that shape the termination
 * @param digest   SHA-256 over the files' contents and the passphrase, hex
 */
public record TerminationInputs(List<Object> settings, String digest) {

    /** The inputs of a listener's TLCP termination, or empty when a file can't be read (no reuse then). */
    public static Optional<TerminationInputs> tlcp(GatewayConfig config, ListenerConfig listener) {
        TlcpConfig tlcp = listener.tlcp().orElseThrow();
        List<Path> files = new ArrayList<>(List.of(tlcp.signCert(), tlcp.signKey(), tlcp.encCert(), tlcp.encKey()));
        tlcp.trust().ifPresent(files::add);
        tlcp.ticketKeys().ifPresent(files::add);
        return of(List.of("tlcp", tlcp, listener.clientAuth()), files, config.keyPassphrase());
    }

    /** The inputs of a listener's TLS 1.3 termination, or empty when a file can't be read. */
    public static Optional<TerminationInputs> tls(GatewayConfig config, ListenerConfig listener) {
        TlsConfig tls = listener.tls().orElseThrow();
        List<Path> files = new ArrayList<>();
        tls.certificates().forEach(c -> files.addAll(List.of(c.chain(), c.key())));
        files.addAll(tls.trust());
        return of(List.of("tls", tls, listener.clientAuth(), listener.limits().handshakeTimeout()), files,
                config.keyPassphrase());
    }

    private static Optional<TerminationInputs> of(List<Object> settings, List<Path> files, Optional<Secret> passphrase) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
        try {
            for (Path file : files) {
                byte[] name = file.toString().getBytes(StandardCharsets.UTF_8);
                byte[] content = Files.readAllBytes(file);
                sha256.update(length(name.length));
                sha256.update(name);
                sha256.update(length(content.length));
                sha256.update(content);
                Arrays.fill(content, (byte) 0);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        if (passphrase.isPresent()) {
            char[] chars = passphrase.get().chars();
            byte[] bytes = new String(chars).getBytes(StandardCharsets.UTF_8);
            Arrays.fill(chars, '\0');
            sha256.update((byte) 1);
            sha256.update(bytes);
            Arrays.fill(bytes, (byte) 0);
        } else {
            sha256.update((byte) 0);
        }
        return Optional.of(new TerminationInputs(List.copyOf(settings), HexFormat.of().formatHex(sha256.digest())));
    }

    private static byte[] length(int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }
}
