package io.gmtls.tboxsim.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.gmtls.tboxsim.credentials.CredentialFolder;
import picocli.CommandLine.Option;

/** Where the PKI files and the vehicles' credentials are. */
final class CredentialOptions {

    @Option(names = "--pki", paramLabel = "DIR",
            description = "A certs-dev folder (java -jar certs-dev/target/certs-dev.jar --out DIR): trust bundles, "
                    + "per-model credentials, and vehicle credentials unless --credentials says otherwise.")
    Path pki;

    @Option(names = "--credentials", paramLabel = "DIR",
            description = "Folder with vehicle credentials in the certs-dev layout (sm2/vehicles/VIN-{sign,enc}.{crt,key}, "
                    + "ecdsa/vehicles/VIN.{crt,key}), e.g. the --out of enroll. Default: --pki.")
    Path credentials;

    @Option(names = "--key-passphrase-file", paramLabel = "FILE",
            description = "File whose first line is the passphrase of encrypted private keys (read and written).")
    Path passphraseFile;

    /** The folder vehicle credentials are read from. */
    CredentialFolder vehicleFolder() {
        Path dir = credentials != null ? credentials : pki;
        if (dir == null) {
            throw new IllegalArgumentException("--pki or --credentials: needed for vehicle certificates"
                    + " (or use --no-client-cert / --transport plain)");
        }
        if (!Files.isDirectory(dir)) {
            throw new CliFailure("credentials folder " + dir + " does not exist");
        }
        return new CredentialFolder(dir, passphrase());
    }

    /** The certs-dev folder (per-model credentials). */
    CredentialFolder pkiFolder() {
        if (pki == null) {
            throw new IllegalArgumentException("--pki: needed for the per-model credential");
        }
        if (!Files.isDirectory(pki)) {
            throw new CliFailure("PKI folder " + pki + " does not exist");
        }
        return new CredentialFolder(pki, passphrase());
    }

    char[] passphrase() {
        if (passphraseFile == null) {
            return null;
        }
        try {
            String text = Files.readString(passphraseFile, StandardCharsets.UTF_8);
            String first = text.lines().findFirst().orElse("");
            if (first.isEmpty()) {
                throw new CliFailure("--key-passphrase-file " + passphraseFile + ": the first line is empty");
            }
            return first.toCharArray();
        } catch (IOException e) {
            throw new CliFailure("--key-passphrase-file: cannot read " + passphraseFile);
        }
    }
}
