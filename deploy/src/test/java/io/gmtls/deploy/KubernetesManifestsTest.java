package io.gmtls.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gmtls.brokeradapter.config.GateConfig;
import io.gmtls.brokeradapter.config.GateConfigLoader;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.proxy.Gateway;
import io.gmtls.proxy.config.ConfigLoader;
import io.gmtls.proxy.config.GatewayConfig;
import io.gmtls.proxy.config.ListenerConfig;

/**
 * The Kubernetes manifests (deploy/kubernetes) and images (deploy/docker), offline: every document parses
 * into the API model with no unknown field; the fields a cluster needs are there; Services, probes,
 * PodDisruptionBudgets, volumes and Secrets point at what exists; and the configuration each ConfigMap
 * carries is read by the service's own loader and agrees with the ports, probes and mounts around it.
 */
class KubernetesManifestsTest {

    private static List<Manifests.Doc> docs;

    @BeforeAll
    static void parse() throws IOException {
        docs = Manifests.all();
    }

    @Test
    void everyManifestParsesWithNoUnknownField() {
        assertThat(docs).hasSizeGreaterThanOrEqualTo(18);
        for (Manifests.Doc doc : docs) {
            assertThat(doc.resource().getMetadata().getName()).as(doc.where()).isNotBlank();
            assertThat(doc.resource().getApiVersion()).as(doc.where()).isNotBlank();
            assertThat(Manifests.strict(doc.resource(), doc.where())).as(doc.where() + ": fields the API does not know").isEmpty();
        }
        assertThat(docs).extracting(d -> d.resource().getKind()).contains("Namespace", "ConfigMap", "Deployment",
                "Service", "PodDisruptionBudget", "Cluster");
    }

    @Test
    void patchesParseWithNoUnknownField() throws IOException {
        List<Manifests.Doc> patches = Manifests.parse(List.copyOf(Manifests.patches()));
        assertThat(patches).isNotEmpty();
        for (Manifests.Doc doc : patches) {
            assertThat(Manifests.strict(doc.resource(), doc.where())).as(doc.where()).isEmpty();
        }
    }

    @Test
    void theStrictCheckFindsMisspeltAndMisplacedFields() {
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replica: 2
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i
                          readinesProbe: {tcpSocket: {port: 1}}
                """;
        HasMetadata parsed = (HasMetadata) new KubernetesSerialization().unmarshal(yaml);
        assertThat(Manifests.strict(parsed, "x")).containsExactlyInAnyOrder("x.spec.replica",
                "x.spec.template.spec.containers[0].readinesProbe");
    }

    @Test
    void kustomizationsNameFilesThatExist() throws IOException {
        Pattern entry = Pattern.compile("(?m)^\\s+-\\s+(?:path:\\s+)?(\\S+\\.yaml|\\.\\./\\S+)\\s*$");
        int checked = 0;
        for (Path kustomization : Manifests.kustomizations()) {
            Matcher m = entry.matcher(Files.readString(kustomization));
            while (m.find()) {
                assertThat(kustomization.resolveSibling(m.group(1))).as(kustomization + ": " + m.group(1)).exists();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(8);
    }

    @Test
    void deploymentsHaveWhatAClusterNeeds() throws IOException {
        Set<String> configMaps = names(ConfigMap.class);
        Set<String> documentedSecrets = documentedSecrets();
        List<Deployment> deployments = of(Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("gateway", "pki-ca", "cert-enrollment", "gate");
        for (Deployment deployment : deployments) {
            String name = deployment.getMetadata().getName();
            assertThat(deployment.getSpec().getSelector().getMatchLabels()).as(name).isNotEmpty();
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).as(name + " pods match the selector")
                    .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name + " runAsNonRoot").isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(name).isPositive();
            assertThat(pod.getAutomountServiceAccountToken()).as(name).isFalse();
            Set<String> volumes = new HashSet<>();
            for (Volume volume : pod.getVolumes()) {
                volumes.add(volume.getName());
                if (volume.getConfigMap() != null) {
                    assertThat(configMaps).as(name + " volume " + volume.getName()).contains(volume.getConfigMap().getName());
                }
                if (volume.getSecret() != null) {
                    assertThat(documentedSecrets).as(name + ": Secret in README").contains(volume.getSecret().getSecretName());
                }
            }
            for (Container container : pod.getContainers()) {
                String where = name + "/" + container.getName();
                assertThat(container.getImage()).as(where).matches("gmtls/[a-z-]+:\\d+\\.\\d+\\.\\d+");
                assertThat(container.getResources().getRequests()).as(where + " requests").containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).as(where + " limits").containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits().get("memory"))
                        .as(where + ": memory limit = request (no overcommit of the heap)")
                        .isEqualTo(container.getResources().getRequests().get("memory"));
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(where).isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(where).isFalse();
                assertThat(container.getSecurityContext().getCapabilities().getDrop()).as(where).contains("ALL");
                assertThat(container.getReadinessProbe()).as(where + " readiness").isNotNull();
                assertThat(container.getLivenessProbe()).as(where + " liveness").isNotNull();
                Set<String> ports = new HashSet<>();
                for (ContainerPort port : container.getPorts()) {
                    ports.add(port.getName());
                }
                for (Probe probe : probes(container)) {
                    IntOrString port = probe.getHttpGet() != null ? probe.getHttpGet().getPort() : probe.getTcpSocket().getPort();
                    assertThat(ports).as(where + ": probe port").contains(port.getStrVal());
                }
                List<String> mounts = new ArrayList<>();
                for (VolumeMount mount : container.getVolumeMounts()) {
                    assertThat(volumes).as(where + " mount " + mount.getMountPath()).contains(mount.getName());
                    mounts.add(mount.getMountPath());
                }
                assertThat(mounts).as(where + ": the one writable directory of a read-only root").contains("/tmp");
                for (EnvVar env : container.getEnv()) {
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        assertThat(documentedSecrets).as(where + " env " + env.getName())
                                .contains(env.getValueFrom().getSecretKeyRef().getName());
                    }
                }
            }
        }
    }

    @Test
    void servicesAndDisruptionBudgetsSelectPodsAndTheirPorts() {
        List<Deployment> deployments = of(Deployment.class);
        for (Service service : of(Service.class)) {
            Deployment target = selected(deployments, service.getSpec().getSelector(), "Service " + service.getMetadata().getName());
            Container container = target.getSpec().getTemplate().getSpec().getContainers().get(0);
            for (ServicePort port : service.getSpec().getPorts()) {
                ContainerPort named = port(container, port.getTargetPort().getStrVal());
                assertThat(port.getProtocol()).isEqualTo(named.getProtocol());
            }
        }
        for (PodDisruptionBudget pdb : of(PodDisruptionBudget.class)) {
            Deployment target = selected(deployments, pdb.getSpec().getSelector().getMatchLabels(), "PDB " + pdb.getMetadata().getName());
            if (pdb.getSpec().getMinAvailable() != null) {
                assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(target.getSpec().getReplicas());
            }
        }
        assertThat(of(PodDisruptionBudget.class)).extracting(p -> p.getMetadata().getName()).contains("gateway", "pki-ca");
        Service gateway = named(Service.class, "gateway");
        assertThat(gateway.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(gateway.getSpec().getPorts()).allMatch(p -> p.getProtocol().equals("TCP"));
        assertThat(named(Deployment.class, "pki-ca").getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    }

    /**
     * The gateway's ConfigMap, with the Secrets' files laid out as the pod mounts them (a certs-dev PKI
     * under the Secret's key names), is loaded by the gateway's own ConfigLoader and validated as
     * {@code --check} does (certificates and keys parsed, pairs matched); then its ports, admin endpoint
     * and drain agree with the Deployment and Services.
     */
    @Test
    void gatewayConfigMapIsAValidGatewayConfigurationThatAgreesWithThePod(@TempDir Path root) throws Exception {
        Deployment deployment = named(Deployment.class, "gateway");
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Path etc = root.resolve("etc/gmtls/gateway");
        assertThat(mountPath(container, "config")).isEqualTo("/etc/gmtls/gateway/config");
        assertThat(mountPath(container, "tls")).isEqualTo("/etc/gmtls/gateway/tls");
        Path pki = root.resolve("pki");
        DevPkiGenerator.write(pki, DevPkiOptions.defaults().withVehicles(1));
        Map<String, String> tlsSecret = Map.ofEntries(
                Map.entry("sm2-sign-chain.pem", "sm2/gateway-sign-chain.pem"), Map.entry("sm2-sign.key", "sm2/gateway-sign.key"),
                Map.entry("sm2-enc.crt", "sm2/gateway-enc.crt"), Map.entry("sm2-enc.key", "sm2/gateway-enc.key"),
                Map.entry("sm2-trust.pem", "sm2/trust.pem"), Map.entry("sm2-tls13-chain.pem", "sm2/gateway-tls13-chain.pem"),
                Map.entry("sm2-tls13.key", "sm2/gateway-tls13.key"), Map.entry("ecdsa-chain.pem", "ecdsa/gateway-chain.pem"),
                Map.entry("ecdsa.key", "ecdsa/gateway.key"), Map.entry("ecdsa-trust.pem", "ecdsa/trust.pem"),
                Map.entry("sm2-issuing-ca.crt", "sm2/issuing-ca.crt"), Map.entry("ecdsa-issuing-ca.crt", "ecdsa/issuing-ca.crt"));
        Files.createDirectories(etc.resolve("tls"));
        for (Map.Entry<String, String> key : tlsSecret.entrySet()) {
            Files.copy(pki.resolve(key.getValue()), etc.resolve("tls").resolve(key.getKey()));
        }
        write(etc.resolve("tickets/ticket-keys"), "00112233445566778899aabbccddeeff 0123456789abcdef0123456789abcdef\n");
        write(etc.resolve("admin/token"), "test-admin-token\n");
        // The gateway resolves upstream host names when it loads its configuration; the cluster's DNS is
        // not here, so its Service names become loopback (the one change made to the ConfigMap's text).
        String text = named(ConfigMap.class, "gateway-config").getData().get("gateway.yaml");
        assertThat(text).contains(".gmtls.svc.cluster.local:");
        Path file = write(etc.resolve("config/gateway.yaml"),
                text.replaceAll("\"[a-z0-9-]+\\.gmtls\\.svc\\.cluster\\.local:", "\"127.0.0.1:"));

        GatewayConfig config = ConfigLoader.load(file, warning -> {
            throw new AssertionError("deprecated keys in the ConfigMap: " + warning);
        });
        Gateway.validate(config);

        assertThat(readme()).as("README lists the gateway-tls keys").contains(tlsSecret.keySet());
        for (ListenerConfig listener : config.listeners()) {
            assertThat(port(container, listener.name()).getContainerPort()).as("listener " + listener.name())
                    .isEqualTo(listener.bind().getPort());
            ServicePort lb = named(Service.class, "gateway").getSpec().getPorts().stream()
                    .filter(p -> p.getTargetPort().getStrVal().equals(listener.name())).findFirst().orElseThrow();
            assertThat(lb.getPort()).isEqualTo(listener.bind().getPort());
        }
        InetSocketAddress admin = config.admin().orElseThrow().bind();
        assertThat(admin.getAddress().isAnyLocalAddress()).as("admin reachable by the kubelet on the pod IP").isTrue();
        assertThat(port(container, "admin").getContainerPort()).isEqualTo(admin.getPort());
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/port", String.valueOf(admin.getPort())).containsEntry("prometheus.io/path", "/metrics");
        assertThat(config.listeners().get(0).tlcp().orElseThrow().ticketKeys()).as("shared ticket keys").isPresent();

        long preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
        Duration grace = Duration.ofSeconds(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
        assertThat(grace).as("grace = preStop + drain-timeout + at least 5 s for the JVM to exit")
                .isGreaterThanOrEqualTo(config.drainTimeout().plusSeconds(preStop + 5))
                .isLessThanOrEqualTo(config.drainTimeout().plusSeconds(preStop + 30));
        assertThat(config.reload().watch()).as("ticket-key rotation through the Secret").isTrue();
    }

    @Test
    void pkiCaConfigMapAgreesWithThePod() {
        Deployment deployment = named(Deployment.class, "pki-ca");
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, Object> yaml = yaml(named(ConfigMap.class, "pki-ca-config").getData().get("pki-ca.yml"));
        assertThat(port(container, "https").getContainerPort()).isEqualTo(path(yaml, "server.port"));
        int management = (Integer) path(yaml, "management.server.port");
        assertThat(port(container, "management").getContainerPort()).isEqualTo(management);
        for (Probe probe : probes(container)) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
            assertThat(probe.getHttpGet().getPath()).startsWith("/actuator/health/");
        }
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/port", String.valueOf(management))
                .containsEntry("prometheus.io/path", "/actuator/prometheus");
        assertThat((String) path(yaml, "gmtls.ca.key-dir")).isEqualTo(mountPath(container, "keys"));
        String tls = mountPath(container, "tls");
        assertThat((String) path(yaml, "spring.ssl.bundle.pem.pki-ca.keystore.certificate")).startsWith("file:" + tls + "/");
        assertThat((String) path(yaml, "spring.ssl.bundle.pem.pki-ca.keystore.private-key")).startsWith("file:" + tls + "/");
        assertThat(path(yaml, "gmtls.ca.bootstrap.mode")).as("replicas never bootstrap").isEqualTo("none");
        assertThat(env(container, "GMTLS_PKI_CA_CONFIG")).isEqualTo(mountPath(container, "config") + "/pki-ca.yml");
        assertThat(env(container, "GMTLS_JDBC_URL")).startsWith("jdbc:postgresql://").doesNotContain("password");

        Container enrollment = named(Deployment.class, "cert-enrollment").getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, Object> enrollYaml = yaml(named(ConfigMap.class, "cert-enrollment-config").getData().get("cert-enrollment.yml"));
        assertThat(port(enrollment, "ppv2-http").getContainerPort()).isEqualTo(path(enrollYaml, "server.port"));
        assertThat((String) path(enrollYaml, "gmtls.ca.key-dir")).isEqualTo(mountPath(enrollment, "keys"));
        assertThat(env(enrollment, "GMTLS_ENROLLMENT_CONFIG")).isEqualTo(mountPath(enrollment, "config") + "/cert-enrollment.yml");
    }

    /** The gate's ConfigMap through the gate's own loader, its files where the pod mounts them. */
    @Test
    void gateConfigMapIsAValidGateConfigurationThatAgreesWithThePod(@TempDir Path root) throws Exception {
        Container container = named(Deployment.class, "gate").getSpec().getTemplate().getSpec().getContainers().get(0);
        Path pki = root.resolve("pki");
        DevPkiGenerator.write(pki, DevPkiOptions.defaults().withVehicles(1));
        Path etc = root.resolve("etc/gmtls/gate");
        Files.createDirectories(etc.resolve("pki-ca-trust"));
        Files.copy(pki.resolve("ecdsa/trust.pem"), etc.resolve("pki-ca-trust/ca.pem"));
        write(etc.resolve("secrets/ca-api-key"), "test-api-key\n");
        String text = named(ConfigMap.class, "gate-config").getData().get("gate.yaml");
        assertThat(text).contains(mountPath(container, "pki-ca-trust") + "/ca.pem", mountPath(container, "secrets") + "/ca-api-key");
        Path file = write(etc.resolve("config/gate.yaml"), text.replace("/etc/gmtls/gate/", etc + "/"));
        GateConfig config = GateConfigLoader.load(file);
        assertThat(port(container, "mqtt-ppv2").getContainerPort()).isEqualTo(config.listen().getPort());
        assertThat(port(container, "metrics").getContainerPort()).isEqualTo(config.metricsListen().orElseThrow().getPort());
        assertThat(config.metricsListen().orElseThrow().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(text).contains("https://pki-ca.gmtls.svc.cluster.local:" + port(
                named(Deployment.class, "pki-ca").getSpec().getTemplate().getSpec().getContainers().get(0), "https").getContainerPort());
    }

    /** CloudNativePG's Cluster is a custom resource: the fields this deployment relies on, by hand. */
    @Test
    @SuppressWarnings("unchecked")
    void cloudNativePgClusterProvidesTheSecretTheCaReads() {
        GenericKubernetesResource cluster = docs.stream().map(Manifests.Doc::resource)
                .filter(r -> r.getKind().equals("Cluster")).map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        assertThat(cluster.getApiVersion()).isEqualTo("postgresql.cnpg.io/v1");
        Map<String, Object> spec = (Map<String, Object>) cluster.getAdditionalProperties().get("spec");
        assertThat(spec).containsKeys("instances", "storage", "bootstrap");
        assertThat((Integer) spec.get("instances")).isGreaterThanOrEqualTo(2);
        assertThat((String) path(spec, "storage.size")).matches("\\d+Gi");
        assertThat(path(spec, "bootstrap.initdb.database")).isEqualTo("gmtls_ca");
        assertThat(path(spec, "bootstrap.initdb.owner")).isNotNull();
        String appSecret = cluster.getMetadata().getName() + "-app";
        for (String service : List.of("pki-ca", "cert-enrollment")) {
            Container container = named(Deployment.class, service).getSpec().getTemplate().getSpec().getContainers().get(0);
            for (String key : List.of("DB_HOST", "DB_PORT", "DB_NAME", "GMTLS_JDBC_USER", "GMTLS_JDBC_PASSWORD")) {
                EnvVar env = container.getEnv().stream().filter(e -> e.getName().equals(key)).findFirst().orElseThrow();
                assertThat(env.getValueFrom().getSecretKeyRef().getName()).as(service + " " + key).isEqualTo(appSecret);
            }
        }
        int maxConnections = Integer.parseInt((String) path(spec, "postgresql.parameters.max_connections"));
        int pools = 0;
        for (String service : List.of("pki-ca", "cert-enrollment")) {
            Map<String, Object> yaml = yaml(named(ConfigMap.class, service + "-config").getData().get(service + ".yml"));
            pools += (Integer) path(yaml, "gmtls.db.pool-size") * named(Deployment.class, service).getSpec().getReplicas();
        }
        assertThat(maxConnections).as("connection pools of all replicas fit, with room for a rolling update")
                .isGreaterThanOrEqualTo(2 * pools);
    }

    @Test
    void dockerfilesRunAsNonRootAndExposeThePodsPorts() throws IOException {
        Map<String, String> images = Map.of("gateway", "gateway", "pki-ca", "pki-ca", "cert-enrollment", "cert-enrollment",
                "gate", "gate");
        for (Map.Entry<String, String> e : images.entrySet()) {
            String dockerfile = Files.readString(Path.of("docker", e.getKey(), "Dockerfile"));
            Container container = named(Deployment.class, e.getValue()).getSpec().getTemplate().getSpec().getContainers().get(0);
            Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile);
            assertThat(expose.find()).isTrue();
            Set<Integer> exposed = new HashSet<>();
            for (String port : expose.group(1).trim().split("\\s+")) {
                exposed.add(Integer.parseInt(port));
            }
            assertThat(exposed).as(e.getKey()).isEqualTo(new HashSet<>(container.getPorts().stream().map(ContainerPort::getContainerPort).toList()));
            assertThat(dockerfile).as(e.getKey()).containsPattern("(?m)^USER 10001:10001$").containsPattern("(?m)^VOLUME \\[\"/tmp\"\\]$");
            Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[\"/opt/gmtls/" + e.getKey() + "/bin/([a-z-]+)\"\\]$").matcher(dockerfile);
            assertThat(entry.find()).as(e.getKey() + " ENTRYPOINT").isTrue();
            assertThat(Path.of("src/dist", e.getKey(), "bin", entry.group(1))).as("start script in the archive").isRegularFile();
            assertThat(dockerfile).contains("ADD gmtls-" + e.getKey() + ".tar.gz");
            assertThat(container.getImage()).as("image built from this Dockerfile")
                    .isEqualTo(Pattern.compile("-t (\\S+)").matcher(dockerfile).results().findFirst().orElseThrow().group(1));
        }
    }

    // ---- helpers

    private static <T extends HasMetadata> List<T> of(Class<T> type) {
        return docs.stream().map(Manifests.Doc::resource).filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T named(Class<T> type, String name) {
        return of(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    private static Set<String> names(Class<? extends HasMetadata> type) {
        Set<String> names = new HashSet<>();
        of(type).forEach(r -> names.add(r.getMetadata().getName()));
        return names;
    }

    private static Deployment selected(List<Deployment> deployments, Map<String, String> selector, String who) {
        List<Deployment> matching = deployments.stream()
                .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
        assertThat(matching).as(who + " selects exactly one Deployment's pods").hasSize(1);
        return matching.get(0);
    }

    private static ContainerPort port(Container container, String name) {
        return container.getPorts().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + ": no container port named " + name));
    }

    private static List<Probe> probes(Container container) {
        List<Probe> probes = new ArrayList<>();
        for (Probe probe : new Probe[] {container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe()}) {
            if (probe != null) {
                probes.add(probe);
            }
        }
        return probes;
    }

    private static String mountPath(Container container, String volume) {
        return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + ": no mount of " + volume)).getMountPath();
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + ": no env " + name)).getValue();
    }

    private static Map<String, Object> yaml(String text) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> map, String dotted) {
        Object current = map;
        // Keys may contain dots only at the leaf level in these files; walk segment by segment.
        for (String key : dotted.split("\\.")) {
            assertThat(current).as(dotted).isInstanceOf(Map.class);
            current = ((Map<String, Object>) current).get(key);
        }
        return current;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String readme() throws IOException {
        return Files.readString(Manifests.ROOT.resolve("README.md"));
    }

    /** The Secret names in the README's "Secrets" table: every Secret a pod uses must be explained there. */
    private static Set<String> documentedSecrets() throws IOException {
        Set<String> names = new HashSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\|").matcher(readme());
        while (row.find()) {
            names.add(row.group(1));
        }
        return names;
    }
}
