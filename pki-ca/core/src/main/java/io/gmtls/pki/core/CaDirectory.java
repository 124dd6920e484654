package io.gmtls.pki.core;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The CAs this service knows: all records, and the issuing CAs it can sign with, by name. */
public final class CaDirectory {

    private final List<CaRecord> records;
    /** Replaced whole when a delegated OCSP signer is renewed while running (readers never lock). */
    private volatile Map<String, IssuingCa> issuing;

    public CaDirectory(List<CaRecord> records, List<IssuingCa> issuing) {
        this.records = List.copyOf(records);
        this.issuing = issuing.stream().collect(Collectors.toUnmodifiableMap(IssuingCa::name, Function.identity()));
    }

    /**
     * Installs a renewed delegated OCSP signer for an issuing CA: OCSP answers are signed by it from
     * the next request on.
     */
    public synchronized void replaceOcspSigner(String caName, IssuingCa.OcspSigner signer) {
        IssuingCa current = issuing(caName);
        java.util.Map<String, IssuingCa> next = new java.util.HashMap<>(issuing);
        next.put(caName, current.withOcspSigner(signer));
        issuing = Map.copyOf(next);
    }

    /** The issuing CA with that name; 503 when it is not configured here. */
    public IssuingCa issuing(String name) {
        IssuingCa ca = issuing.get(name);
        if (ca == null) {
            throw new PkiException(PkiException.Kind.UNAVAILABLE, "issuing CA '" + name + "' is not configured");
        }
        return ca;
    }

    public Optional<IssuingCa> findIssuing(String name) {
        return Optional.ofNullable(issuing.get(name));
    }

    public List<IssuingCa> issuingCas() {
        return issuing.values().stream().sorted(java.util.Comparator.comparing(IssuingCa::name)).toList();
    }

    public List<CaRecord> records() {
        return records;
    }

    public Optional<CaRecord> record(String name) {
        return records.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The chain of a CA: its certificate, then its parents up to the root. */
    public List<X509Certificate> chainOf(String name) {
        java.util.ArrayList<X509Certificate> chain = new java.util.ArrayList<>();
        String current = name;
        for (int depth = 0; current != null && depth < 8; depth++) {
            String lookup = current;
            CaRecord r = records.stream().filter(x -> x.name().equals(lookup)).findFirst().orElse(null);
            if (r == null) {
                break;
            }
            chain.add(r.certificate());
            current = r.parent();
        }
        return List.copyOf(chain);
    }
}
