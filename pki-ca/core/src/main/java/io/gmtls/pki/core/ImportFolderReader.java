package io.gmtls.pki.core;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Reads the end-entity certificates of a folder into an import batch for {@link CertificateImporter}
 * (the bootstrap import of a certs-dev folder). The implementation is a developer's tool, in
 * pki-ca-dev, found with {@link ServiceLoader}: a production build leaves it out.
 */
public interface ImportFolderReader {

    /**
     * The batch of the folder's certificates signed by one of {@code issuingCas}; errors name the
     * file and the configuration key.
     */
    CertificateImporter.Batch read(Path dir, List<IssuingCa> issuingCas, boolean perModelAllowed, Clock clock);

    /** The installed reader, if pki-ca-dev is on the class path. */
    static Optional<ImportFolderReader> installed() {
        return ServiceLoader.load(ImportFolderReader.class, ImportFolderReader.class.getClassLoader()).findFirst();
    }
}
