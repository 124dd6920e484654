package io.gmtls.tboxsim.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import io.gmtls.tboxsim.credentials.Vins;
import picocli.CommandLine.Option;

/** Which vehicles: explicit VINs, or a numbered range. */
final class VinOptions {

    @Option(names = {"-n", "--vehicles"}, paramLabel = "N",
            description = "Number of vehicles: VINs <prefix><serial> from --vin-start. Default: every vehicle in the "
                    + "credentials folder.")
    Integer count;

    @Option(names = "--vin", split = ",", paramLabel = "VIN",
            description = "Explicit VINs (repeatable or comma-separated) instead of a numbered range.")
    List<String> vins;

    @Option(names = "--vin-prefix", defaultValue = "LGMDEV", paramLabel = "PREFIX",
            description = "Prefix of numbered VINs (certs-dev numbers its vehicles LGMDEV00000000001…). "
                    + "Default: ${DEFAULT-VALUE}.")
    String prefix;

    @Option(names = "--vin-start", defaultValue = "1", paramLabel = "N",
            description = "First serial of numbered VINs. Default: ${DEFAULT-VALUE}.")
    long start;

    /** Upper bound of vehicles per process: far above what one process and its file descriptors carry. */
    static final int MAX_VEHICLES = 1_000_000;

    /** Whether the user said which vehicles. */
    boolean given() {
        return count != null || vins != null;
    }

    /**
     * The VINs: --vin, else the numbered range of -n, else {@code available} (the folder's) if not null.
     *
     * @throws IllegalArgumentException naming the option
     */
    List<String> resolve(List<String> available) {
        if (vins != null && count != null) {
            throw new IllegalArgumentException("--vin and -n/--vehicles: give one or the other");
        }
        if (vins != null) {
            List<String> list = new ArrayList<>(new LinkedHashSet<>(vins));
            for (String vin : list) {
                if (!Vins.isVin(vin)) {
                    throw new IllegalArgumentException("--vin: '" + vin
                            + "' is not a VIN (17 of 0-9 and A-Z without I, O, Q)");
                }
            }
            return list;
        }
        if (count != null) {
            if (count < 1 || count > MAX_VEHICLES) {
                throw new IllegalArgumentException("-n/--vehicles: 1.." + MAX_VEHICLES + ", was " + count);
            }
            return Vins.range(prefix, start, count);
        }
        if (available == null) {
            throw new IllegalArgumentException("-n/--vehicles or --vin: how many vehicles?");
        }
        if (available.isEmpty()) {
            throw new IllegalArgumentException("-n/--vehicles or --vin: the credentials folder holds no vehicle");
        }
        return available;
    }
}
