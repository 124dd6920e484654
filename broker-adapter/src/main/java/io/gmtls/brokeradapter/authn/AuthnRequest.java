package io.gmtls.brokeradapter.authn;

import java.util.Objects;
import java.util.Optional;

/**
 * What the gate asks the CA about one client: the fields of the EMQX body template
 * ({@code clientid}, {@code username}, {@code password}, {@code peerhost}, {@code cert_common_name},
 * {@code cert_subject}) plus {@code cert_serial}, which EMQX has no placeholder for but the gate reads
 * from PPv2 TLV 0xE0. As EMQX renders an undefined placeholder, an absent value is the empty string.
 *
 * @param clientId       MQTT client identifier
 * @param username       MQTT username, empty when the CONNECT had none
 * @param password       MQTT password as UTF-8 text, empty when none; never logged or printed
 * @param peerHost       the vehicle's address from the PPv2 header (not the gateway's)
 * @param certCommonName CN of the vehicle's signing certificate (PPv2 0x22)
 * @param certSubject    subject DN; PPv2 does not carry it, so this is empty, as with EMQX behind PPv2
 * @param certSerial     serial of the signing certificate, lowercase hex (PPv2 0xE0), when the header had it
 * @param connectionId   the gateway's connection id (PPv2 0x05), sent to the CA as a header (not in the
 *                       body: EMQX has no such placeholder) so that one session can be followed in all logs
 */
public record AuthnRequest(String clientId, String username, String password, String peerHost,
                           String certCommonName, String certSubject, Optional<String> certSerial,
                           Optional<String> connectionId) {

    /** A request without a gateway connection id. */
    public AuthnRequest(String clientId, String username, String password, String peerHost,
                        String certCommonName, String certSubject, Optional<String> certSerial) {
        this(clientId, username, password, peerHost, certCommonName, certSubject, certSerial, Optional.empty());
    }

    /** Checks presence. */
    public AuthnRequest {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(peerHost, "peerHost");
        Objects.requireNonNull(certCommonName, "certCommonName");
        Objects.requireNonNull(certSubject, "certSubject");
        Objects.requireNonNull(certSerial, "certSerial");
        Objects.requireNonNull(connectionId, "connectionId");
    }

    /** Everything but the password, which is shown only as present or absent. */
    @Override
    public String toString() {
        return "AuthnRequest[clientid=" + clientId + ", username=" + username
                + ", password=" + (password.isEmpty() ? "(none)" : "(present)")
                + ", peerhost=" + peerHost + ", cn=" + certCommonName
                + certSerial.map(s -> ", serial=" + s).orElse("") + "]";
    }
}
