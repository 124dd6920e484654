package io.gmtls.pki.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.testsupport.CaNodeArgs;
import io.gmtls.testsupport.HeadlessChromium;
import io.gmtls.testsupport.TestDatabase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator console in a real headless Chromium against a pki-ca node on a PostgreSQL database of its
 * own, bootstrapped from a certs-dev PKI: an operator signs in, finds a vehicle, revokes its signing
 * certificate (REVOKED on the page, the broker authn endpoint denies the vehicle, the audit event is
 * there); an auditor sees no revoke button and its POST is refused; a change without the CSRF token is
 * refused; the language switch changes the labels; the token dialog shows a token once. Screenshots of
 * the overview, a vehicle and the audit page go to target/console-screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String OPERATOR = "op-" + hex(16);
    private static final String AUDITOR = "au-" + hex(16);
    private static final String BROKER = "br-" + hex(16);
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private TestDatabase db;
    private Path work;
    private DevPki pki;
    private ConfigurableApplicationContext node;
    private String url;
    private HeadlessChromium browser;
    private WebDriver driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    void start() throws Exception {
        String missing = HeadlessChromium.availability();
        Assumptions.assumeTrue(missing == null, () -> "ConsoleBrowserIT skipped: " + missing);
        db = new TestDatabase("pkica_console_");
        work = Files.createTempDirectory("pki-ca-console-it");
        pki = DevPkiGenerator.write(work.resolve("dev-pki"), DevPkiOptions.defaults().withVehicles(3));
        node = PkiCaApplication.start(CaNodeArgs.onDatabase(db.url(), 4).loopback()
                .set("logging.level.root", "WARN")
                .caKeys(work.resolve("keys"), "it-passphrase")
                .bootstrap("import")
                .importFrom(work.resolve("dev-pki"), true)
                .set("gmtls.broker.cache-ttl", "0s")
                .apiKey("ops", "operator", ApiKeys.hash(OPERATOR))
                .apiKey("assessor", "auditor", ApiKeys.hash(AUDITOR))
                .apiKey("emqx", "broker", ApiKeys.hash(BROKER))
                .toArray());
        url = "http://127.0.0.1:" + ((WebServerApplicationContext) node).getWebServer().getPort();
        browser = HeadlessChromium.start(1280, 900);
        driver = browser.driver();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (node != null) {
                node.close();
            }
            if (db != null) {
                db.close();
            }
        }
    }

    @Test
    @Order(1)
    void anOperatorSignsInAndSeesTheFleet() throws Exception {
        driver.get(url + "/console");
        assertThat(driver.getCurrentUrl()).endsWith("/console/login");
        signIn(OPERATOR);
        assertThat(driver.getCurrentUrl()).endsWith("/console");
        // certs-dev's three good vehicles and its revoked one, all of model GMTDEV01.
        assertThat(text("tile-vehicles")).isEqualTo("4");
        assertThat(text("tile-enrolled")).isEqualTo("3");
        assertThat(text("tile-not-enrolled")).isEqualTo("1");
        assertThat(text("tile-audit")).isEqualTo("Intact");
        assertThat(driver.findElement(By.id("models-table")).getText()).contains(pki.modelCode());
        assertThat(driver.findElement(By.id("crl-table")).getText()).contains("sm2-issuing").contains("ecdsa-issuing");
        assertThat(driver.findElements(By.cssSelector("svg.chart rect.issued"))).isNotEmpty();

        Cookie session = driver.manage().getCookieNamed(ConsoleInterceptor.COOKIE);
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getPath()).isEqualTo("/console");
        assertThat(session.isSecure()).as("plain http on loopback: not Secure").isFalse();
        // Behind a TLS-terminating proxy (X-Forwarded-Proto: https) the console's cookies are Secure.
        HttpResponse<String> behindTls = http.send(HttpRequest.newBuilder(URI.create(url + "/console/login"))
                .header("X-Forwarded-Proto", "https").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(behindTls.headers().allValues("Set-Cookie")).singleElement().satisfies(c -> assertThat(c)
                .startsWith("GMTLS_CONSOLE_LOGIN=").contains("; Secure").contains("; HttpOnly")
                .contains("; SameSite=Strict"));
        assertThat(get("/console/login", null).headers().allValues("Set-Cookie")).singleElement()
                .satisfies(c -> assertThat(c).doesNotContain("Secure"));
        browser.fitHeight(1280, 1600);
        screenshot("overview");
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    }

    @Test
    @Order(2)
    void theLanguageSwitchChangesTheLabels() throws Exception {
        driver.get(url + "/console");
        browser.clickAndWait(driver.findElement(By.id("lang-zh")));
        assertThat(text("nav-overview")).isEqualTo("总览");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("车队总览");
        assertThat(text("tile-audit")).isEqualTo("完整");
        screenshot("overview-zh");
        // The choice is kept (cookie) on the next page.
        driver.get(url + "/console/audit");
        assertThat(text("nav-audit")).isEqualTo("审计");
        browser.clickAndWait(driver.findElement(By.id("lang-en")));
        assertThat(text("nav-audit")).isEqualTo("Audit");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Audit log");
    }

    @Test
    @Order(3)
    void anOperatorRevokesASigningCertificate() throws Exception {
        Vehicle car = pki.vehicles().get(0);
        X509Certificate sign = car.sign().certificate();
        String serial = sign.getSerialNumber().toString(16);
        assertThat(authn(car.vin(), sign)).isEqualTo("allow");

        driver.get(url + "/console/vehicles");
        driver.findElement(By.id("q")).sendKeys(car.vin().toLowerCase());
        browser.clickAndWait(driver.findElement(By.id("search")));
        assertThat(driver.getCurrentUrl()).endsWith("/console/vehicles/" + car.vin());
        WebElement row = driver.findElement(By.id("cert-" + serial));
        assertThat(row.findElement(By.cssSelector(".status")).getText()).isEqualTo("VALID");
        assertThat(driver.findElement(By.id("certificates")).getText()).contains("vehicle-sign").contains("vehicle-enc")
                .contains("vehicle-tls-ecdsa").contains("Vehicle TLS 1.3");

        browser.clickAndWait(row.findElement(By.cssSelector("a.revoke")));
        assertThat(text("revoke-serial")).isEqualTo(serial);
        new Select(driver.findElement(By.id("reason"))).selectByValue("KEY_COMPROMISE");
        browser.clickAndWait(driver.findElement(By.id("confirm-revoke")));

        assertThat(driver.getCurrentUrl()).contains("/console/vehicles/" + car.vin());
        assertThat(driver.findElement(By.id("done")).getText()).contains("revoked");
        row = driver.findElement(By.id("cert-" + serial));
        assertThat(row.findElement(By.cssSelector(".status")).getText()).isEqualTo("REVOKED");
        assertThat(row.getText()).contains("Key compromise");
        assertThat(browser.present(row, By.cssSelector("a.revoke"))).isEmpty();
        assertThat(driver.findElement(By.id("events")).getText()).contains("certificate.revoke").contains("ops (operator)");

        assertThat(authn(car.vin(), sign)).isEqualTo("deny");
        assertThat(auditRows("certificate.revoke", serial)).containsExactly("ops/operator/SUCCESS");
        browser.fitHeight(1280, 2000);
        screenshot("vehicle");
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    }

    @Test
    @Order(4)
    void aChangeWithoutTheCsrfTokenIsRefused() throws Exception {
        Vehicle car = pki.vehicles().get(1);
        String cookie = ConsoleInterceptor.COOKIE + "=" + driver.manage().getCookieNamed(ConsoleInterceptor.COOKIE).getValue();
        long before = auditHead();
        HttpResponse<String> none = post("/console/vehicles/" + car.vin() + "/block", cookie, Map.of());
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("form token");
        HttpResponse<String> wrong = post("/console/vehicles/" + car.vin() + "/block", cookie,
                Map.of("_csrf", "x".repeat(43)));
        assertThat(wrong.statusCode()).isEqualTo(403);
        HttpResponse<String> noSession = post("/console/vehicles/" + car.vin() + "/block", null,
                Map.of("_csrf", csrfOnPage()));
        assertThat(noSession.statusCode()).isEqualTo(403);
        assertThat(blocked(car.vin())).isFalse();
        assertThat(auditHead()).isEqualTo(before);

        // The same request with the session's token goes through (so the refusals above were the token's).
        HttpResponse<String> ok = post("/console/vehicles/" + car.vin() + "/block", cookie,
                Map.of("_csrf", csrfOnPage()));
        assertThat(ok.statusCode()).isEqualTo(302);
        assertThat(ok.headers().firstValue("Location").orElse("")).endsWith("/console/vehicles/" + car.vin() + "?done=blocked");
        assertThat(blocked(car.vin())).isTrue();
        assertThat(post("/console/vehicles/" + car.vin() + "/unblock", cookie, Map.of("_csrf", csrfOnPage()))
                .statusCode()).isEqualTo(302);
        assertThat(blocked(car.vin())).isFalse();
        assertThat(auditRows("vehicle.block", car.vin())).containsExactly("ops/operator/SUCCESS");
    }

    @Test
    @Order(5)
    void theTokenDialogShowsATokenOnce() throws Exception {
        Vehicle car = pki.vehicles().get(2);
        driver.get(url + "/console/vehicles/" + car.vin());
        assertThat(browser.present(driver, By.id("token-dialog"))).isEmpty();
        driver.findElement(By.id("ttlHours")).clear();
        driver.findElement(By.id("ttlHours")).sendKeys("2");
        browser.clickAndWait(driver.findElement(By.id("issue-token")));
        String token = driver.findElement(By.id("enrollment-token")).getDomProperty("value");
        assertThat(token).hasSize(43);
        EnrollmentTokens tokens = node.getBean(EnrollmentTokens.class);
        assertThat(tokens.state(token).status()).isEqualTo(EnrollmentTokens.TokenStatus.VALID);
        assertThat(tokens.state(token).vin()).isEqualTo(car.vin());
        driver.findElement(By.id("copy-token")).click();
        assertThat(text("copy-token")).isEqualTo("Copied");
        // Shown once: the vehicle page loaded again has no token in it.
        driver.get(url + "/console/vehicles/" + car.vin());
        assertThat(browser.present(driver, By.id("token-dialog"))).isEmpty();
        assertThat(driver.getPageSource()).doesNotContain(token);
        assertThat(auditRows("token.issue", car.vin())).containsExactly("ops/operator/SUCCESS");
    }

    @Test
    @Order(55)
    void anOperatorSwitchesAModelAndImportsVinsAllOrNothing() throws Exception {
        driver.get(url + "/console/models");
        WebElement row = driver.findElement(By.id("model-" + pki.modelCode()));
        assertThat(row.getText()).contains("On");
        browser.clickAndWait(row.findElement(By.cssSelector("button.enrollment-toggle")));
        assertThat(driver.findElement(By.id("done")).getText()).contains("enrollment switch");
        assertThat(auditRows("model.enrollment", pki.modelCode())).containsExactly("ops/operator/SUCCESS");
        browser.clickAndWait(driver.findElement(By.id("model-" + pki.modelCode()))
                .findElement(By.cssSelector("button.enrollment-toggle")));
        assertThat(count("SELECT count(*) FROM vehicle_model WHERE enrollment_allowed")).isEqualTo(1);

        // A list with a VIN that is already registered: the preview says so and offers no apply.
        String known = pki.vehicles().get(0).vin();
        driver.findElement(By.id("import-csv")).sendKeys("VIN\nLGMNEW00000000001\n" + known + "\n");
        new Select(driver.findElement(By.id("import-model"))).selectByValue(pki.modelCode());
        browser.clickAndWait(driver.findElement(By.id("import-preview")));
        assertThat(driver.findElement(By.id("preview")).getText()).contains("2 VINs: 1 new, 1 already registered");
        assertThat(browser.present(driver, By.id("import-apply"))).isEmpty();
        long vehicles = count("SELECT count(*) FROM vehicle");

        // Two new VINs: previewed, then applied in one go.
        driver.findElement(By.id("import-csv")).clear();
        driver.findElement(By.id("import-csv")).sendKeys("LGMNEW00000000001\nLGMNEW00000000002," + pki.modelCode() + "\n");
        browser.clickAndWait(driver.findElement(By.id("import-preview")));
        assertThat(driver.findElement(By.id("preview")).getText()).contains("2 VINs: 2 new, 0 already registered");
        assertThat(count("SELECT count(*) FROM vehicle")).as("a preview changes nothing").isEqualTo(vehicles);
        browser.fitHeight(1280, 1600);
        screenshot("models");
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        browser.clickAndWait(driver.findElement(By.id("import-apply")));
        assertThat(driver.findElement(By.id("done")).getText()).isEqualTo("2 VINs were registered.");
        assertThat(count("SELECT count(*) FROM vehicle")).isEqualTo(vehicles + 2);
        assertThat(auditRows("vehicle.register", "2 vehicles")).containsExactly("ops/operator/SUCCESS");
    }

    @Test
    @Order(60)
    void anAuditorSeesEverythingAndChangesNothing() throws Exception {
        browser.clickAndWait(driver.findElement(By.id("sign-out")));
        assertThat(driver.getCurrentUrl()).contains("/console/login");
        driver.get(url + "/console");
        assertThat(driver.getCurrentUrl()).contains("/console/login");

        // A broker key is a service's, not a person's: no console session for it.
        signIn(BROKER);
        assertThat(text("login-failed")).contains("not an admin, operator or auditor key");
        assertThat(driver.manage().getCookieNamed(ConsoleInterceptor.COOKIE)).isNull();

        signIn(AUDITOR);
        assertThat(text("who")).contains("assessor");
        Vehicle car = pki.vehicles().get(1);
        X509Certificate sign = car.sign().certificate();
        String serial = sign.getSerialNumber().toString(16);
        driver.get(url + "/console/vehicles/" + car.vin());
        assertThat(driver.findElement(By.id("cert-" + serial)).getText()).contains("VALID");
        assertThat(browser.present(driver, By.cssSelector("a.revoke"))).isEmpty();
        assertThat(browser.present(driver, By.id("actions"))).isEmpty();
        assertThat(browser.present(driver, By.id("issue-token"))).isEmpty();

        driver.get(url + "/console/certificates/" + serial + "/revoke");
        assertThat(text("error-message")).isEqualTo("Your role may not make this change.");

        String cookie = ConsoleInterceptor.COOKIE + "=" + driver.manage().getCookieNamed(ConsoleInterceptor.COOKIE).getValue();
        driver.get(url + "/console/models");
        assertThat(browser.present(driver, By.cssSelector("button.enrollment-toggle"))).isEmpty();
        String csrf = csrfOnPage();
        long before = auditHead();
        HttpResponse<String> revoke = post("/console/certificates/" + serial + "/revoke", cookie,
                Map.of("_csrf", csrf, "reason", "KEY_COMPROMISE"));
        assertThat(revoke.statusCode()).isEqualTo(403);
        assertThat(post("/console/models/" + pki.modelCode() + "/enrollment", cookie,
                Map.of("_csrf", csrf, "allowed", "false")).statusCode()).isEqualTo(403);
        assertThat(authn(car.vin(), sign)).isEqualTo("allow");
        assertThat(auditHead()).isEqualTo(before);
    }

    @Test
    @Order(70)
    void theAuditPageFiltersVerifiesAndExports() throws Exception {
        driver.get(url + "/console/audit");
        driver.findElement(By.id("f-action")).sendKeys("certificate.");
        browser.clickAndWait(driver.findElement(By.id("filter")));
        String events = driver.findElement(By.id("events")).getText();
        assertThat(events).contains("certificate.revoke").doesNotContain("token.issue");
        browser.clickAndWait(driver.findElement(By.id("verify-chain")));
        assertThat(text("verification-result")).isEqualTo("The audit chain is intact");
        screenshot("audit");

        String cookie = ConsoleInterceptor.COOKIE + "=" + driver.manage().getCookieNamed(ConsoleInterceptor.COOKIE).getValue();
        HttpResponse<String> csv = get("/console/audit/export?format=csv&action=certificate.revoke", cookie);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).contains("audit.csv");
        assertThat(csv.body().lines().findFirst().orElse("")).startsWith("seq,at,actor");
        assertThat(csv.body()).contains(",ops,operator,certificate.revoke,");
        HttpResponse<String> exported = get("/console/audit/export?format=json&action=token.issue", cookie);
        assertThat(json.readTree(exported.body()).get(0).get("action").asString()).isEqualTo("token.issue");
        // Without a session the export is not handed out.
        assertThat(get("/console/audit/export?format=csv", null).statusCode()).isEqualTo(303);
    }

    // ---------------------------------------------------------------------------------------------

    private void signIn(String key) {
        driver.get(url + "/console/login");
        driver.findElement(By.id("apiKey")).sendKeys(key);
        browser.clickAndWait(driver.findElement(By.id("sign-in")));
    }

    private String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** The CSRF token of the current page's sign-out form (the session's token). */
    private String csrfOnPage() {
        return driver.findElement(By.cssSelector("form[action$='/console/logout'] input[name=_csrf]"))
                .getDomProperty("value");
    }

    private void screenshot(String name) throws Exception {
        browser.screenshot(SCREENSHOTS.resolve(name + ".png"));
    }

    private HttpResponse<String> post(String path, String cookie, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20)).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The broker authn endpoint's decision for a vehicle's certificate (with its serial, as the adapter sends). */
    private String authn(String vin, X509Certificate cert) throws Exception {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("clientid", vin);
        body.put("username", "");
        body.put("password", "");
        body.put("peerhost", "10.0.0.7");
        body.put("cert_common_name", vin);
        body.put("cert_subject", cert.getSubjectX500Principal().getName());
        body.put("cert_serial", cert.getSerialNumber().toString(16));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/broker/authn"))
                .timeout(Duration.ofSeconds(20)).header("X-API-Key", BROKER).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body()).get("result").asString();
    }

    private boolean blocked(String vin) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/admin/vehicles/" + vin))
                .header("X-API-Key", AUDITOR).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body()).get("blocked").asBoolean();
    }

    private List<String> auditRows(String action, String target) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT actor, actor_role, outcome FROM audit_event WHERE action = ? AND target = ? ORDER BY seq")) {
            ps.setString(1, action);
            ps.setString(2, target);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3));
                }
                return out;
            }
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long auditHead() throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT seq FROM audit_head");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
