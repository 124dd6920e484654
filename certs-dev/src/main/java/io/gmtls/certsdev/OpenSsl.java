package io.gmtls.certsdev;

import io.gmtls.crypto.pem.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system {@code openssl} (3.x) as an independent implementation to check what our code
 * makes. For tests; every call has a timeout.
 *
 * <p>OpenSSL 3.0 applies an SM2 distinguishing ID ({@code -vfyopt distid:…}) only to the
 * certificate being verified, not to the CA certificates above it, and {@code openssl crl -verify}
 * takes none. So SM2 chains are checked one link at a time ({@link #verifySm2Link}) and SM2 CRL
 * signatures with {@code openssl dgst -sm3 -sigopt distid:…} ({@link #verifySm2Signature}).
 */
public final class OpenSsl {
    /** The SM2 user ID every party of this product uses (GB/T 35276 default). */
    public static final String SM2_ID = "1234567812345678";

    private final Path workDir;

    /** @param workDir folder for the temporary files the checks need */
    public OpenSsl(Path workDir) {
        this.workDir = workDir;
    }

    /** Exit code and output of one run. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Standard output and error, for assertion messages. */
        public String output() {
            return stdout + stderr;
        }
    }

    /** Runs {@code openssl args…} with no input, 30 s at most. */
    public Result run(String... args) {
        return run(null, args);
    }

    /** Runs {@code openssl args…} with {@code input} on standard input, 30 s at most. */
    public Result run(byte[] input, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input);
                }
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl " + String.join(" ", args) + " did not finish in 30 s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The version line, e.g. {@code OpenSSL 3.0.19 27 Jan 2026}. */
    public String version() {
        return run("version").stdout().trim();
    }

    /**
     * Verifies one SM2 certificate's signature with its issuer's key, trusting the issuer
     * ({@code -partial_chain}), with the standard SM2 user ID.
     */
    public Result verifySm2Link(X509Certificate certificate, X509Certificate issuer) {
        Path cert = write("link-cert", Pem.writeBytes(List.of(certificate)));
        Path ca = write("link-ca", Pem.writeBytes(List.of(issuer)));
        return run("verify", "-partial_chain", "-CAfile", ca.toString(), "-vfyopt", "distid:" + SM2_ID, cert.toString());
    }

    /** Verifies an SM2-with-SM3 signature over {@code data} with the public key of {@code signer}. */
    public Result verifySm2Signature(byte[] data, byte[] derSignature, X509Certificate signer) {
        Path dataFile = write("data", data);
        Path signature = write("sig", derSignature);
        Path key = write("pub", Pem.encode("PUBLIC KEY", signer.getPublicKey().getEncoded()).getBytes(StandardCharsets.US_ASCII));
        return run("dgst", "-sm3", "-verify", key.toString(), "-sigopt", "distid:" + SM2_ID,
                "-signature", signature.toString(), dataFile.toString());
    }

    /** Verifies an SM2 CRL's signature with its issuer's key. */
    public Result verifySm2Crl(X509CRL crl, X509Certificate issuer) {
        try {
            return verifySm2Signature(crl.getTBSCertList(), crl.getSignature(), issuer);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CRL", e);
        }
    }

    /** Writes bytes to a fresh file in the work folder. */
    public Path write(String prefix, byte[] content) {
        try {
            Path file = Files.createTempFile(workDir, prefix, ".tmp");
            Files.write(file, content);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write into " + workDir, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
