package io.gmtls.certsdev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a set of files into a folder all at once: they are written into a hidden sibling folder
 * first, which then takes the target's place by rename, so a failure never leaves a half-written
 * PKI behind.
 */
final class PkiFolder {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path target;
    private final boolean force;

    PkiFolder(Path target, boolean force) {
        this.target = target.toAbsolutePath().normalize();
        this.force = force;
    }

    /** Refuses early, before any key is generated, what {@link #write} would refuse. */
    void checkWritable() {
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw new DevPkiException(target + " exists and is not a folder");
            }
            if (!force && !isEmpty(target)) {
                throw new DevPkiException(target + " already holds files; use --force to replace them");
            }
        }
        Path parent = existingAncestor(target.getParent());
        if (parent == null || !Files.isWritable(parent)) {
            throw new DevPkiException("cannot write into " + (parent == null ? target : parent) + ": permission denied");
        }
    }

    void write(Map<String, byte[]> files) {
        checkWritable();
        Path parent = target.getParent();
        Path staging = parent.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        Path old = parent.resolve("." + target.getFileName() + ".old-" + UUID.randomUUID());
        try {
            Files.createDirectories(parent);
            Files.createDirectory(staging);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path path = staging.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
                if (file.getKey().endsWith(".key")) {
                    restrict(path);
                }
            }
            boolean replacing = Files.exists(target);
            if (replacing) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (replacing) {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                }
                throw e;
            }
            if (replacing) {
                deleteTree(old);
            }
        } catch (IOException e) {
            throw new DevPkiException("cannot write " + target + ": " + IoReasons.describe(e), e);
        } finally {
            deleteTree(staging);
        }
    }

    private static void restrict(Path key) throws IOException {
        if (Files.getFileStore(key).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(key, OWNER_ONLY);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            throw new DevPkiException("cannot read " + dir + ": " + IoReasons.describe(e), e);
        }
    }

    private static Path existingAncestor(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Leftover staging files are harmless; the target folder is already complete or untouched.
        }
    }
}
