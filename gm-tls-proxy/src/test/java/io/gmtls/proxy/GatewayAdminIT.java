package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint over real HTTP (issue 11, item 11): every mutating call needs the bearer token,
 * without a configured token mutating calls are refused, and /health and /metrics stay readable.
 */
class GatewayAdminIT {

    @TempDir
    static Path dir;
    static GatewayFixture fixture;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    Gateway gateway;
    PpEchoUpstream upstream;

    @BeforeAll
    static void pki() throws Exception {
        fixture = new GatewayFixture(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.shutdown(Duration.ofMillis(200));
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(String token) throws Exception {
        upstream = PpEchoUpstream.start();
        GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(upstream.port());
        s.adminToken = token;
        gateway = Gateway.start(fixture.write(s));
    }

    private HttpResponse<String> call(String method, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminAddress().getPort()
                + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutAConfiguredTokenAReloadIsRefusedAndNothingIsReloaded() throws Exception {
        start(null);
        HttpResponse<String> reload = call("POST", "/admin/reload", null);
        assertThat(reload.statusCode()).isEqualTo(403);
        assertThat(reload.body()).contains("no admin.token-file");
        assertThat(call("POST", "/admin/reload", "anything").statusCode()).isEqualTo(403);
        assertThat(call("PUT", "/health", null).statusCode()).isEqualTo(403);
        String metrics = call("GET", "/metrics", null).body();
        assertThat(metrics).doesNotContain("gateway_reloads_total");
        assertThat(call("GET", "/health", null).statusCode()).isEqualTo(200);
        assertThat(gateway.adminAddress().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void withATokenEveryMutatingCallNeedsItAndReadingStaysOpen() throws Exception {
        start(GatewayFixture.ADMIN_TOKEN);
        assertThat(call("POST", "/admin/reload", null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/admin/reload", GatewayFixture.ADMIN_TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(call("DELETE", "/metrics", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/metrics", null).body()).doesNotContain("gateway_reloads_total");

        HttpResponse<String> ok = call("POST", "/admin/reload", GatewayFixture.ADMIN_TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("reloaded");
        assertThat(call("GET", "/metrics", null).body()).contains("gateway_reloads_total{result=\"success\"} 1.0");
        assertThat(call("GET", "/health", null).statusCode()).isEqualTo(200);
    }
}
