package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.profile.ExtendedKeyUsageName;
import io.gmtls.pki.core.profile.KeyUsageName;
import io.gmtls.pki.core.profile.ProfileCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileSettingsTest {

    private static ProfileSettings only(Duration validity, List<String> ekus) {
        return new ProfileSettings(null, null, validity, null, ekus, null, null, null, null, null, null, null);
    }

    @Test
    void configuredFieldsChangeADefaultProfileAndNewProfilesNeedEverything() {
        var profiles = new ProfileCatalog(ProfileSettings.apply(ProfileCatalog.defaults("X"),
                Map.of("vehicle-sign", only(Duration.ofDays(365), List.of("clientAuth")),
                        "robot-sign", new ProfileSettings("vehicle-signing", "sm2-issuing", Duration.ofDays(30),
                                List.of("digitalSignature"), null, "CN=${cn}", "R[0-9]{4}", List.of("SM2"),
                                null, false, false, null))));
        var vehicle = profiles.require("vehicle-sign");
        assertThat(vehicle.validity()).isEqualTo(Duration.ofDays(365));
        assertThat(vehicle.extendedKeyUsages()).containsExactly(ExtendedKeyUsageName.CLIENT_AUTH);
        assertThat(vehicle.keyUsages()).contains(KeyUsageName.NON_REPUDIATION);
        assertThat(profiles.require("robot-sign").keyAlgorithms()).containsExactly(KeyAlgorithm.SM2);

        assertThatThrownBy(() -> ProfileSettings.apply(ProfileCatalog.defaults("X"),
                Map.of("half", only(Duration.ofDays(1), null))))
                .isInstanceOf(PkiConfigException.class).hasMessageStartingWith("gmtls.profiles.half.usage");
        assertThatThrownBy(() -> ProfileSettings.apply(ProfileCatalog.defaults("X"),
                Map.of("vehicle-sign", only(Duration.ofDays(4000), null))))
                .hasMessageStartingWith("gmtls.profiles.vehicle-sign.validity");
        assertThatThrownBy(() -> ProfileSettings.apply(ProfileCatalog.defaults("X"),
                Map.of("vehicle-sign", only(null, List.of("timeTravel")))))
                .hasMessageContaining("gmtls.profiles.vehicle-sign.extended-key-usages").hasMessageContaining("timeTravel");
    }
}
