package io.gmtls.certsdev;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certs-dev}: writes a complete development PKI into a folder.
 *
 * <p>Every refusal is one line on standard error and a non-zero exit code (2 for bad usage, 1 for
 * a failure); nothing is written unless everything can be.
 */
@Command(name = "certs-dev", mixinStandardHelpOptions = true, versionProvider = CertsDevCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Writes a complete development PKI (SM2 for TLCP and RFC 8998, ECDSA P-256 for TLS 1.3) into a folder:",
            "CAs, gateway TLCP pair, gateway TLS 1.3 certificates, per-model and per-vehicle credentials,",
            "one revoked vehicle with CRLs, trust bundles and manifest.json. For development and tests only."
        })
public final class CertsDevCommand implements Callable<Integer> {

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "Folder to write (created; must be empty unless --force).")
    Path out;

    @Option(names = {"-n", "--vehicles"}, paramLabel = "N", defaultValue = "3",
            description = "Number of vehicles (default: ${DEFAULT-VALUE}); a revoked one is added.")
    int vehicles;

    @Option(names = "--dns", paramLabel = "NAME", split = ",", defaultValue = "localhost",
            description = "DNS names in the server certificates' SAN, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> dnsNames;

    @Option(names = "--model", paramLabel = "CODE", defaultValue = "GMTDEV01",
            description = "Vehicle model code, CN of the per-model certificate (default: ${DEFAULT-VALUE}).")
    String modelCode;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Encrypt private keys (PKCS#8, PBES2/AES-256) with the first line of FILE.")
    Path passphraseFile;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Encrypt private keys with the value of environment variable VAR.")
    String passphraseEnv;

    @Option(names = "--force", description = "Replace the folder's existing content.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on success.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new CertsDevCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("certs-dev: " + e.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            err.println("certs-dev: " + oneLine(e));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        DevPkiOptions options;
        try {
            options = DevPkiOptions.defaults().withVehicles(vehicles).withDnsNames(dnsNames)
                    .withModelCode(modelCode).withPassphrase(passphrase()).withForce(force);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        DevPki pki = DevPkiGenerator.write(out, options);
        if (!quiet) {
            spec.commandLine().getOut().printf("certs-dev: wrote a development PKI to %s (%d vehicles + revoked %s, model %s%s)%n",
                    out.toAbsolutePath().normalize(), pki.vehicles().size(), pki.revokedVehicle().vin(),
                    pki.modelCode(), options.passphrase() != null ? ", encrypted keys" : "");
        }
        return 0;
    }

    private char[] passphrase() {
        if (passphraseFile != null && passphraseEnv != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give either --passphrase-file or --passphrase-env, not both");
        }
        if (passphraseEnv != null) {
            String value = System.getenv(passphraseEnv);
            if (value == null || value.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "environment variable " + passphraseEnv + " is not set or empty");
            }
            return value.toCharArray();
        }
        if (passphraseFile != null) {
            try {
                List<String> lines = Files.readAllLines(passphraseFile, StandardCharsets.UTF_8);
                if (lines.isEmpty() || lines.get(0).isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "passphrase file " + passphraseFile + " is empty");
                }
                return lines.get(0).toCharArray();
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "cannot read passphrase file " + passphraseFile + ": " + IoReasons.describe(e));
            }
        }
        return null;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.replace('\n', ' ');
    }

    /** Version from the jar manifest, when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CertsDevCommand.class.getPackage().getImplementationVersion();
            return new String[] {"certs-dev " + (v == null ? "(development build)" : v)};
        }
    }
}
