package io.gmtls.tboxsim.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import io.gmtls.tboxsim.credentials.CredentialFolder;
import io.gmtls.tboxsim.enroll.EnrolledVehicle;
import io.gmtls.tboxsim.enroll.EnrollmentClient;
import io.gmtls.tboxsim.transport.TransportFactory;
import io.gmtls.tboxsim.transport.TransportSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbox-sim renew}: renewal with the vehicle's current credential. */
@Command(name = "renew", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
        description = {
            "Renews vehicles' credentials with their current certificate.",
            "For each VIN: connects with its current SM2 credential (from --credentials), POSTs a CSR of a new "
                    + "signing key to /api/v1/renew, checks the answer and replaces the credential files (in --out, "
                    + "by default the --credentials folder) only once everything checked out.",
            "Example:",
            "  tbox-sim renew --pki .gmtls-demo/pki --credentials enrolled --port 8443",
            ""})
final class RenewCommand implements Callable<Integer> {

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

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the renewed credentials are written. Default: the --credentials folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        enroll.validate();
        if (!server.transport.usesSm2()) {
            throw new IllegalArgumentException("--transport: renewal presents the vehicle's SM2 credential; use tlcp or tls13-sm");
        }
        int port = server.port(8080, 8443);
        TransportSettings settings = server.settings(port, credentials.pki);
        TransportFactory factory = new TransportFactory(settings);
        CredentialFolder current = credentials.vehicleFolder();
        List<String> vins;
        try {
            vins = vehicles.resolve(current.sm2Vins());
        } catch (IOException e) {
            throw new CliFailure("cannot list " + current.root() + ": " + e.getMessage(), e);
        }
        CredentialFolder target = out == null ? current : new CredentialFolder(out, credentials.passphrase());
        EnrollmentClient.Endpoint endpoint = new EnrollmentClient.Endpoint(server.address(port),
                server.serverName() + ":" + port, enroll.enrollPath, enroll.renewPath, enroll.timeout, 1024 * 1024);
        EnrollmentBatch.Report report;
        try (EnrollmentClient client = new EnrollmentClient(endpoint, enroll.retries, Clock.systemUTC(), 2)) {
            report = EnrollmentBatch.run("renew", vins, enroll.concurrency, vin -> {
                EnrolledVehicle renewed;
                try {
                    renewed = client.renew(factory.withSm2(current.sm2Vehicle(vin, settings.trust())), vin);
                } catch (java.security.GeneralSecurityException e) {
                    throw new IOException("credential of " + vin + " is unusable: " + e.getMessage(), e);
                }
                target.writeSm2Vehicle(renewed.credentials(), true);
                return renewed;
            }, spec.commandLine().getOut());
        }
        spec.commandLine().getOut().print(report.toText());
        spec.commandLine().getOut().flush();
        if (enroll.json != null) {
            report.writeJson(enroll.json);
        }
        return report.failed() == 0 ? ExitCodes.OK : ExitCodes.ERRORS;
    }
}
