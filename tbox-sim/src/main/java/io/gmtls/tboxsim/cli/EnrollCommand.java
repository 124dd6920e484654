package io.gmtls.tboxsim.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.gmtls.tboxsim.credentials.CredentialFolder;
import io.gmtls.tboxsim.credentials.Sm2VehicleCredentials;
import io.gmtls.tboxsim.credentials.Vins;
import io.gmtls.tboxsim.enroll.EnrolledVehicle;
import io.gmtls.tboxsim.enroll.EnrollmentClient;
import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.TransportFactory;
import io.gmtls.tboxsim.transport.TransportKind;
import io.gmtls.tboxsim.transport.TransportSettings;
import io.gmtls.tlcp.TlcpCipherSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbox-sim enroll}: first enrollment of vehicles with the per-model credential or a token. */
@Command(name = "enroll", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
        description = {
            "Enrolls vehicles (first certificates) through the gateway's enrollment listener.",
            "For each VIN: generates an SM2 signing key, POSTs a PKCS#10 CSR (SM2-with-SM3, CN = VIN) to "
                    + "/api/v1/enroll over TLCP or TLS 1.3 with the per-model credential (sm2/model-CODE-{sign,enc} "
                    + "of --pki) or a one-time token, checks the answer, opens the encryption key envelope "
                    + "(GB/T 35276 SM2EnvelopedKey) with the signing key, checks it matches the encryption certificate, "
                    + "and stores the credentials in --out in the certs-dev layout "
                    + "(sm2/vehicles/VIN-{sign,enc}.{crt,key}), ready for connect --credentials.",
            "Example (demo stack):",
            "  tbox-sim enroll --pki .gmtls-demo/pki --port 8443 --vin-prefix LGMENR -n 5 --out enrolled",
            ""})
final class EnrollCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server = new ServerOptions();

    @Mixin
    CredentialOptions credentials = new CredentialOptions();

    @Mixin
    VinOptions vehicles = new VinOptions();

    @Mixin
    EnrollOptions enroll = new EnrollOptions();

    @Option(names = "--model", paramLabel = "CODE",
            description = "Model code of the per-model credential sm2/model-CODE-{sign,enc}.{crt,key} in --pki. "
                    + "Default: the only one there (none when tokens are given).")
    String model;

    @Option(names = "--token", paramLabel = "TOKEN", parameterConsumer = VerbatimValue.class,
            description = "One-time enrollment token (for a single --vin); then no client certificate is presented "
                    + "unless --model is given (and TLCP offers only the ECC suites unless --suite says otherwise).")
    String token;

    @Option(names = "--tokens", paramLabel = "FILE",
            description = "File of 'VIN TOKEN' lines (or VIN,TOKEN; # comments): a token per vehicle.")
    Path tokens;

    @Option(names = "--out", defaultValue = "enrolled", paramLabel = "DIR",
            description = "Where the vehicles' credentials are written. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--force", description = "Replace credentials of a VIN already in --out (else it is skipped).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        enroll.validate();
        if (token != null && tokens != null) {
            throw new IllegalArgumentException("--token and --tokens: give one or the other");
        }
        List<String> vins = vehicles.resolve(null);
        Map<String, String> tokenOf = tokens(vins);
        int port = server.port(8080, 8443);
        boolean anonymous = !tokenOf.isEmpty() && model == null;
        if (anonymous && server.transport == TransportKind.TLCP && server.suites == null) {
            // ECDHE needs the client's encryption certificate; without a credential only ECC can work.
            server.suites = List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3, TlcpCipherSuite.ECC_SM4_CBC_SM3);
        }
        TransportSettings settings = server.settings(port, credentials.pki);
        ClientTransport transport = bootstrapTransport(new TransportFactory(settings), tokenOf.isEmpty());
        CredentialFolder folder = new CredentialFolder(out, credentials.passphrase());
        EnrollmentClient.Endpoint endpoint = new EnrollmentClient.Endpoint(server.address(port),
                server.serverName() + ":" + port, enroll.enrollPath, enroll.renewPath, enroll.timeout, 1024 * 1024);
        EnrollmentBatch.Report report;
        try (EnrollmentClient client = new EnrollmentClient(endpoint, enroll.retries, Clock.systemUTC(), 2)) {
            report = EnrollmentBatch.run("enroll", vins, enroll.concurrency, vin -> {
                if (!force && folder.hasSm2(vin)) {
                    return null;
                }
                EnrolledVehicle vehicle = client.enroll(transport, vin, tokenOf.get(vin));
                folder.writeSm2Vehicle(vehicle.credentials(), force);
                return vehicle;
            }, spec.commandLine().getOut());
        }
        spec.commandLine().getOut().print(report.toText());
        spec.commandLine().getOut().flush();
        if (enroll.json != null) {
            report.writeJson(enroll.json);
        }
        return report.failed() == 0 ? ExitCodes.OK : ExitCodes.ERRORS;
    }

    private ClientTransport bootstrapTransport(TransportFactory factory, boolean noTokens)
            throws GeneralSecurityException, IOException {
        TransportSettings s = factory.settings();
        if (!noTokens && model == null) {
            return factory.anonymous();
        }
        if (!s.kind().usesSm2()) {
            if (model != null) {
                throw new IllegalArgumentException("--model: per-model credentials are SM2; use --transport tlcp or tls13-sm");
            }
            return factory.anonymous();
        }
        CredentialFolder pki = credentials.pkiFolder();
        String code = model != null ? model : pki.soleModelCode().orElseThrow(() -> new IllegalArgumentException(
                "--model: " + pki.root() + " holds no single per-model credential (sm2/model-CODE-sign.crt); name one"));
        try {
            Sm2VehicleCredentials credential = pki.model(code, s.trust());
            return factory.withSm2(credential);
        } catch (IOException e) {
            throw new CliFailure("per-model credential " + code + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> tokens(List<String> vins) throws IOException {
        Map<String, String> map = new HashMap<>();
        if (token != null) {
            if (vins.size() != 1) {
                throw new IllegalArgumentException("--token: a token belongs to one vehicle; use --tokens FILE for several");
            }
            map.put(vins.get(0), token);
            return map;
        }
        if (tokens == null) {
            return map;
        }
        if (!Files.isRegularFile(tokens) || Files.size(tokens) > 64L * 1024 * 1024) {
            throw new CliFailure("--tokens: " + tokens + " is not a readable file of reasonable size");
        }
        int lineNumber = 0;
        for (String line : Files.readAllLines(tokens, StandardCharsets.UTF_8)) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("[\\s,]+", 2);
            if (parts.length != 2 || !Vins.isVin(parts[0]) || parts[1].isBlank()) {
                throw new CliFailure("--tokens: " + tokens + " line " + lineNumber + ": expected 'VIN TOKEN'");
            }
            map.put(parts[0], parts[1].strip());
        }
        Optional<String> missing = vins.stream().filter(v -> !map.containsKey(v)).findFirst();
        if (missing.isPresent() && model == null) {
            throw new IllegalArgumentException("--tokens: no token for " + missing.get() + " in " + tokens);
        }
        return map;
    }
}
