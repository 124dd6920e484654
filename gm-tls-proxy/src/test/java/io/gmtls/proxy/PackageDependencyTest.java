package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listener builds each connection's pipeline from the relay's handlers; the relay knows nothing of
 * the listener, not even through a third package (it learns what the listener's handlers found out from
 * user events). Read from the sources: which {@code io.gmtls.proxy.<package>} each package's files name,
 * in imports or fully qualified.
 */
class PackageDependencyTest {

    private static final Path SOURCES = Path.of("src/main/java/io/gmtls/proxy");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.gmtls\\.proxy\\.([a-z]\\w*)\\.");

    /** Package (sub-package name of io.gmtls.proxy) → the packages its sources name. */
    private static final Map<String, Set<String>> USES = new HashMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                String name = dir.getFileName().toString();
                Set<String> uses = new TreeSet<>();
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                        try {
                            Matcher m = REFERENCE.matcher(Files.readString(f));
                            while (m.find()) {
                                uses.add(m.group(1));
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
                uses.remove(name);
                USES.put(name, uses);
            }
        }
    }

    /** Every package reachable from {@code from} by the uses relation. */
    private static Set<String> reachable(String from) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(USES.getOrDefault(from, Set.of()));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(USES.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    @Test
    void theListenerUsesTheRelay() {
        // Guards the check below against reading nothing: the one direction is there.
        assertThat(USES.get("listener")).contains("relay");
    }

    @Test
    void theRelayReachesNeitherTheListenerNorItself() {
        assertThat(reachable("relay")).as("packages the relay depends on, directly or not")
                .contains("upstream", "revocation")
                .doesNotContain("listener", "relay");
    }

    @Test
    void noPackageOfTheGatewayIsInACycle() {
        List<String> cyclic = USES.keySet().stream().filter(p -> reachable(p).contains(p)).sorted().toList();
        assertThat(cyclic).isEmpty();
    }
}
