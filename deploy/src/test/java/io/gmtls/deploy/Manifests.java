package io.gmtls.deploy;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Every Kubernetes manifest under deploy/kubernetes, parsed into fabric8's API model classes. The model
 * classes keep fields they don't know in {@code additionalProperties} rather than failing; {@link #strict}
 * turns any such field, at any depth, into an error naming its path — a misspelt or misplaced key is
 * caught here instead of being silently ignored by the API server's older versions.
 */
final class Manifests {

    /** One document of a manifest file. */
    record Doc(Path file, int index, HasMetadata resource) {
        String where() {
            return file.getFileName() + "#" + index + " " + resource.getKind() + "/" + resource.getMetadata().getName();
        }
    }

    static final Path ROOT = Path.of("kubernetes");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {
    }

    /** The manifest files (Kustomize's own kustomization.yaml files are not Kubernetes objects). */
    static List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList();
        }
    }

    static List<Path> kustomizations() throws IOException {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
        }
    }

    /** Files a kustomization applies as patches (partial objects: parsed strictly, not checked as whole objects). */
    static Set<Path> patches() throws IOException {
        Set<Path> patches = new HashSet<>();
        Pattern patch = Pattern.compile("(?m)^\\s+-\\s+path:\\s+(\\S+)\\s*$");
        for (Path kustomization : kustomizations()) {
            Matcher m = patch.matcher(Files.readString(kustomization));
            while (m.find()) {
                patches.add(kustomization.resolveSibling(m.group(1)).normalize());
            }
        }
        return patches;
    }

    /** The whole objects (not patches). */
    static List<Doc> all() throws IOException {
        Set<Path> patches = patches();
        return parse(files().stream().filter(f -> !patches.contains(f.normalize())).toList());
    }

    static List<Doc> parse(List<Path> files) throws IOException {
        List<Doc> docs = new ArrayList<>();
        for (Path file : files) {
            String[] parts = Files.readString(file).split("(?m)^---\\s*$");
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                    continue;
                }
                Object parsed = SERIALIZATION.unmarshal(parts[i]);
                if (!(parsed instanceof HasMetadata resource)) {
                    throw new AssertionError(file + "#" + i + ": not a Kubernetes object: " + parsed);
                }
                docs.add(new Doc(file, i, resource));
            }
        }
        return docs;
    }

    /** The paths of fields the model does not know, below {@code path}; empty when none. */
    static List<String> strict(Object value, String path) {
        List<String> unknown = new ArrayList<>();
        walk(value, path, unknown, 0);
        return unknown;
    }

    private static void walk(Object value, String path, List<String> unknown, int depth) {
        if (value == null || depth > 40) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", unknown, depth + 1);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                walk(e.getValue(), path + "." + e.getKey(), unknown, depth + 1);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                // A generic (custom) resource keeps its whole body there: the caller checks its fields.
                if (!(value instanceof GenericKubernetesResource) && child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                }
                continue;
            }
            String name = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            walk(child, path + "." + name, unknown, depth + 1);
        }
    }
}
