package io.gmtls.certsdev;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What to generate. Immutable; the {@code with…} methods return a changed copy.
 *
 * @param vehicles   number of good vehicles (one revoked vehicle is always added)
 * @param dnsNames   DNS names in the servers' subjectAltName; the first is also their CN
 * @param modelCode  CN of the per-model bootstrap certificate
 * @param passphrase when not null, private key files are encrypted PKCS#8 (PBES2, AES-256-CBC)
 * @param force      whether {@link DevPkiGenerator#write} may replace an existing folder
 * @param now        the notBefore reference (the CRL's thisUpdate); null means the current time
 */
public record DevPkiOptions(int vehicles, List<String> dnsNames, String modelCode, char[] passphrase,
                            boolean force, Instant now) {

    /** Upper bound on vehicles: a development PKI, not a production run. */
    public static final int MAX_VEHICLES = 100_000;

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern MODEL_CODE = Pattern.compile("[A-Z0-9][A-Z0-9-]{0,31}");

    public DevPkiOptions {
        if (vehicles < 0 || vehicles > MAX_VEHICLES) {
            throw new IllegalArgumentException("vehicles must be between 0 and " + MAX_VEHICLES + ", got " + vehicles);
        }
        dnsNames = List.copyOf(dnsNames);
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("at least one DNS name is needed for the server certificates");
        }
        for (String name : dnsNames) {
            if (!DNS_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a DNS name: '" + name + "'");
            }
        }
        if (modelCode == null || !MODEL_CODE.matcher(modelCode).matches()) {
            throw new IllegalArgumentException("model code must be 1-32 of A-Z, 0-9 and '-', got '" + modelCode + "'");
        }
        if (passphrase != null && passphrase.length == 0) {
            throw new IllegalArgumentException("the passphrase is empty; leave it out for unencrypted keys");
        }
        passphrase = passphrase == null ? null : passphrase.clone();
    }

    /** 3 vehicles, {@code localhost}, model {@code GMTDEV01}, unencrypted keys, no overwrite. */
    public static DevPkiOptions defaults() {
        return new DevPkiOptions(3, List.of("localhost"), "GMTDEV01", null, false, null);
    }

    public DevPkiOptions withVehicles(int n) {
        return new DevPkiOptions(n, dnsNames, modelCode, passphrase, force, now);
    }

    public DevPkiOptions withDnsNames(List<String> names) {
        return new DevPkiOptions(vehicles, names, modelCode, passphrase, force, now);
    }

    public DevPkiOptions withModelCode(String code) {
        return new DevPkiOptions(vehicles, dnsNames, code, passphrase, force, now);
    }

    public DevPkiOptions withPassphrase(char[] secret) {
        return new DevPkiOptions(vehicles, dnsNames, modelCode, secret, force, now);
    }

    public DevPkiOptions withForce(boolean overwrite) {
        return new DevPkiOptions(vehicles, dnsNames, modelCode, passphrase, overwrite, now);
    }

    public DevPkiOptions withNow(Instant reference) {
        return new DevPkiOptions(vehicles, dnsNames, modelCode, passphrase, force, reference);
    }

    @Override
    public char[] passphrase() {
        return passphrase == null ? null : passphrase.clone();
    }

    /** Never prints the passphrase. */
    @Override
    public String toString() {
        return "DevPkiOptions[vehicles=" + vehicles + ", dnsNames=" + dnsNames + ", modelCode=" + modelCode
                + ", encryptedKeys=" + (passphrase != null) + ", force=" + force + ", now=" + now + "]";
    }
}
