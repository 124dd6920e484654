package io.gmtls.tboxsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.gmtls.tboxsim.testing.Cli;

/** Bad input gives one clear line on stderr and a non-zero exit code; --help documents every option. */
class CommandLineTest {

    @TempDir
    static Path dir;

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(new String[] {}, "a command is needed"),
                Arguments.of(new String[] {"fly"}, "Unmatched argument"),
                Arguments.of(new String[] {"connect", "--bogus"}, "Unknown option: '--bogus'"),
                Arguments.of(new String[] {"connect", "-t", "quic"}, "unknown transport 'quic'"),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "2", "--qos", "2"}, "QoS must be 0 or 1"),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "0"}, "-n/--vehicles: 1.."),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "2", "--ramp", "0"}, "--ramp: must be > 0"),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "2", "--duration", "soon"}, "not a duration"),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "2", "--messages", "3", "--publish-rate", "0"},
                        "--messages needs --publish-rate > 0"),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "2", "--payload-size", "999999999"},
                        "--payload-size"),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "2", "--topic", "vehicle/+/x"}, "--topic"),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "2", "--reconnect-fraction", "1.5"},
                        "--reconnect-fraction"),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "2", "--reconnect-waves", "-1"},
                        "--reconnect-waves"),
                Arguments.of(new String[] {"connect", "-t", "plain", "-n", "2", "--bind", "not-an-ip"},
                        "not an IP address"),
                Arguments.of(new String[] {"connect", "-t", "plain", "--vin", "SHORT"}, "is not a VIN"),
                Arguments.of(new String[] {"connect", "-t", "plain", "--vin-prefix", "IOQ", "-n", "2"}, "VIN prefix"),
                Arguments.of(new String[] {"connect", "-t", "tlcp", "-n", "2"}, "--trust or --pki"),
                Arguments.of(new String[] {"connect", "-t", "tls13", "--suite", "ECC_SM4_GCM_SM3", "-n", "1"},
                        "--suite: only for --transport tlcp"),
                Arguments.of(new String[] {"connect", "-t", "tlcp", "--suite", "AES128"}, "unknown TLCP suite"),
                Arguments.of(new String[] {"connect", "-t", "tlcp", "--peer-profile", "wolfssl"}, "unknown peer profile"),
                Arguments.of(new String[] {"connect", "-t", "tls13", "--peer-profile", "gmssl", "-n", "1"},
                        "--peer-profile: only for --transport tlcp"),
                Arguments.of(new String[] {"connect", "-t", "plain", "--port", "70000", "-n", "1"}, "--port: 1..65535"),
                Arguments.of(new String[] {"subscribe", "-t", "plain", "--count", "0"}, "--count"),
                Arguments.of(new String[] {"subscribe", "-t", "tlcp", "--trust", "x.pem"}, "--vin"),
                Arguments.of(new String[] {"enroll", "--concurrency", "0", "-n", "1"}, "--concurrency"),
                Arguments.of(new String[] {"enroll", "-t", "plain", "--token", "t", "-n", "2"}, "--token"),
                Arguments.of(new String[] {"enroll", "-t", "plain", "--vin", "LGMDEV00000000001", "-n", "2"},
                        "--vin and -n/--vehicles"),
                Arguments.of(new String[] {"renew", "-t", "tls13"}, "use tlcp or tls13-sm"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void badOptionsGiveOneLineAndExitCode2(String[] args, String expected) {
        Cli.Result result = Cli.run(args);

        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).contains(expected).startsWith("tbox-sim");
        assertThat(result.out()).isEmpty();
    }

    /**
     * A token is 43 base64url characters and one in 64 begins with '-' (one began with "-h" in a CI run): it is the
     * token, not an option cluster. The run reaches the token check after parsing, so the value was taken.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-hTWcZ30dgw_xX8j1vdrBqaN8vPhZWvgOPVahF4HujI",
            "--Vx0dgw_xX8j1vdrBqaN8vPhZWvgOPVahF4HujIab"})
    void aTokenBeginningWithADashIsTheTokenNotAnOption(String token) {
        Cli.Result result = Cli.run("enroll", "-t", "plain", "--token", token, "-n", "2");

        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).as(result.toString()).contains("a token belongs to one vehicle");
    }

    /** Taking values verbatim must not swallow the next option when the token was left out. */
    @Test
    void anOptionNameAfterTokenIsAMissingToken() {
        Cli.Result result = Cli.run("enroll", "-t", "plain", "--token", "--out", "x", "--vin", "LGMDEV00000000001");

        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).as(result.toString())
                .contains("Expected parameter for option '--token' but found '--out'");
    }

    @Test
    void missingFilesGiveOneLineAndExitCode1() {
        Cli.Result result = Cli.run("connect", "-t", "tlcp", "--trust", dir.resolve("nothing.pem").toString(), "-n", "1",
                "--pki", dir.toString());

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).contains("nothing.pem");
    }

    @Test
    void missingVehicleCredentialsNameTheFile() throws Exception {
        Path pki = dir.resolve("empty-pki");
        Files.createDirectories(pki.resolve("sm2"));
        Files.writeString(pki.resolve("sm2/trust.pem"), "");

        Cli.Result result = Cli.run("connect", "-t", "tlcp", "--pki", pki.toString(), "-n", "1");

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).contains("trust.pem");
    }

    @Test
    void helpDocumentsEveryCommandAndOption() {
        Cli.Result top = Cli.run("--help");
        assertThat(top.exit()).isZero();
        assertThat(top.out()).contains("enroll", "renew", "connect", "subscribe", "Exit codes");

        Cli.Result connect = Cli.run("connect", "--help");
        assertThat(connect.exit()).isZero();
        assertThat(connect.out()).contains("--transport", "--suite", "--peer-profile", "--ramp", "--publish-rate", "--qos",
                "--payload-size", "--messages", "--duration", "--reconnect-interval", "--reconnect-fraction",
                "--reconnect-waves", "--reconnect-after-connected", "--bind",
                "--json", "--quiet", "--mqtt", "--pki", "--credentials", "--tls-provider", "--no-client-cert");

        Cli.Result enroll = Cli.run("enroll", "--help");
        assertThat(enroll.exit()).isZero();
        assertThat(enroll.out()).contains("--model", "--token", "--tokens", "--out", "--force", "--concurrency");

        assertThat(Cli.run("renew", "--help").out()).contains("--credentials", "--out");
        assertThat(Cli.run("subscribe", "--help").out()).contains("--topic", "--count", "--duration");
    }
}
