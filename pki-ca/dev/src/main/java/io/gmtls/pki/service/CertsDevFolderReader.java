package io.gmtls.pki.service;

import io.gmtls.pki.core.CertificateImporter;
import io.gmtls.pki.core.ImportFolderReader;
import io.gmtls.pki.core.IssuingCa;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** {@link ImportFolderReader} for the layout {@code ./certs-dev.sh -o DIR} writes ({@link CertsDevFolder}). */
public final class CertsDevFolderReader implements ImportFolderReader {

    @Override
    public CertificateImporter.Batch read(Path dir, List<IssuingCa> issuingCas, boolean perModelAllowed, Clock clock) {
        return CertsDevFolder.read(dir, issuingCas, perModelAllowed, clock);
    }
}
