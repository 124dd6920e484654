package io.gmtls.pki.authn;

import io.gmtls.pki.core.AuthnDirectory;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.crypto.SerialNumbers;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides broker connections (DESIGN.md, "Auth endpoint contract").
 *
 * <p>Allow only when the client's certificate is known here, unexpired and unrevoked, and either
 * <ul>
 * <li>it is a vehicle signing certificate whose CN (= VIN) is the MQTT client id (and the username,
 * if one is sent), and the VIN is still registered and not blocked; or</li>
 * <li>it is a per-model certificate (CN = model code) of a model whose per-model mode is on, and the
 * client id is a VIN registered to that model, not blocked, without a usable certificate of its own
 * and without certificates revoked since its last operator unblock (a bootstrap credential only).</li>
 * </ul>
 * The answer carries the vehicle's ACL ({@code vehicle/{VIN}/#} by default).
 *
 * <p>Serial versus CN only: with {@code cert_serial} (the broker-adapter sends it from PPv2 TLV 0xE0)
 * the decision is about that exact certificate. EMQX has only {@code ${cert_common_name}}: then the
 * CN must have at least one usable client certificate. Revoking every certificate of a VIN therefore
 * denies it on both paths; revoking one of several concurrent certificates of the same CN is
 * enforced by the gateway's CRL check (it refuses the handshake), and exactly here only when the
 * serial is sent. {@code gmtls.broker.require-serial=true} denies requests without a serial.
 */
public final class BrokerAuthenticator {

    private final AuthnDirectory directory;
    private final TopicAcl acl;
    private final Clock clock;
    private final boolean requireSerial;
    private final AuthnResult withoutCertificate;

    public BrokerAuthenticator(AuthnDirectory directory, TopicAcl acl, Clock clock, boolean requireSerial,
            AuthnResult withoutCertificate) {
        this.directory = directory;
        this.acl = acl;
        this.clock = clock;
        this.requireSerial = requireSerial;
        this.withoutCertificate = withoutCertificate;
    }

    /** The cache key of an authn request: the fields the decision depends on (not the password). */
    public record Key(String commonName, String serial, String clientId, String username) {
    }

    /** Normalises a request into its key; null fields become empty. */
    public static Key keyOf(AuthnRequest r) {
        return new Key(clean(r.certCommonName()), clean(r.certSerial()), clean(r.clientid()), clean(r.username()));
    }

    private static String clean(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        // EMQX renders an unset placeholder as "" but older templates pass it through literally.
        return t.startsWith("${") && t.endsWith("}") ? "" : t;
    }

    /** Decides one authn request (reads the database). */
    public AuthnDecision authenticate(Key key) {
        if (key.commonName().isEmpty()) {
            return withoutCertificate == AuthnResult.IGNORE ? AuthnDecision.ignore("no client certificate")
                    : AuthnDecision.deny("no client certificate");
        }
        if (key.clientId().isEmpty() || key.clientId().length() > 64 || key.commonName().length() > 64) {
            return AuthnDecision.deny("client id missing or too long");
        }
        Instant now = clock.instant();
        // One query reads the certificate(s), the client id's vehicle and the CN's model.
        AuthnDirectory.Lookup found;
        Optional<IssuedCertificate> certificate;
        if (!key.serial().isEmpty()) {
            String serial = SerialNumbers.normalize(key.serial());
            if (serial == null) {
                return AuthnDecision.deny("malformed certificate serial");
            }
            found = directory.bySerial(serial, key.commonName(), key.clientId(), now);
            if (found.certificates().isEmpty()) {
                return AuthnDecision.deny("unknown certificate");
            }
            IssuedCertificate c = found.certificates().get(0);
            if (!c.commonName().equals(key.commonName())) {
                return AuthnDecision.deny("certificate CN does not match");
            }
            if (!c.usage().isClientIdentity()) {
                return AuthnDecision.deny("not a client certificate");
            }
            if (!c.usableAt(now)) {
                return AuthnDecision.deny(c.status() == io.gmtls.pki.core.CertificateStatus.REVOKED
                        ? "certificate revoked" : "certificate expired or not yet valid");
            }
            certificate = Optional.of(c);
        } else {
            if (requireSerial) {
                return AuthnDecision.deny("certificate serial required");
            }
            found = directory.byCommonName(key.commonName(), key.clientId(), now);
            if (found.certificates().isEmpty()) {
                return AuthnDecision.deny("unknown certificate");
            }
            // Separate namespaces: a CN with both vehicle and per-model certificates is never guessed at.
            if (found.certificates().stream().map(IssuedCertificate::usage).distinct().count() > 1) {
                return AuthnDecision.deny("CN is both a VIN and a model code");
            }
            certificate = found.certificates().stream().filter(c -> c.usableAt(now)).findFirst();
            if (certificate.isEmpty()) {
                return AuthnDecision.deny("no unrevoked, unexpired certificate for this CN");
            }
        }
        IssuedCertificate c = certificate.get();
        // Model certificates are recognised by their profile's usage, never by the CN's shape.
        if (c.usage() == ProfileUsage.VEHICLE_SIGNING) {
            if (found.model().isPresent()) {
                return AuthnDecision.deny("CN is a registered model code, not a VIN");
            }
            return vehicle(c, key, found.clientVehicle());
        }
        if (c.usage() == ProfileUsage.MODEL_SIGNING) {
            return perModel(c, key, found.model(), found.clientVehicle(), found.clientCertificates());
        }
        return AuthnDecision.deny("not a vehicle or per-model certificate");
    }

    private AuthnDecision vehicle(IssuedCertificate c, Key key, Optional<Vehicle> clientVehicle) {
        String vin = c.commonName();
        if (c.vin() != null && !c.vin().equals(vin)) {
            return AuthnDecision.deny("certificate CN is not its VIN");
        }
        if (!vin.equals(key.clientId())) {
            return AuthnDecision.deny("client id is not the certificate's VIN");
        }
        if (!key.username().isEmpty() && !key.username().equals(vin)) {
            return AuthnDecision.deny("username is not the certificate's VIN");
        }
        // The client id's vehicle, which is the certificate's VIN here.
        if (clientVehicle.isEmpty()) {
            return AuthnDecision.deny("VIN is not registered");
        }
        if (clientVehicle.get().blocked()) {
            return AuthnDecision.deny("VIN is blocked");
        }
        return AuthnDecision.allow(vin, acl.rulesFor(vin), "vehicle certificate", c.notAfter());
    }

    private AuthnDecision perModel(IssuedCertificate c, Key key, Optional<VehicleModel> model,
            Optional<Vehicle> vehicle, Vehicle.VehicleCertificates own) {
        // The model whose code is the CN, which is the certificate's CN here.
        if (ProfileCatalog.VIN.matcher(c.commonName()).matches()
                || (c.modelCode() != null && !c.modelCode().equals(c.commonName()))) {
            return AuthnDecision.deny("per-model certificate CN is not a model code");
        }
        if (model.isEmpty()) {
            return AuthnDecision.deny("model is not registered");
        }
        if (!model.get().perModelAllowed()) {
            return AuthnDecision.deny("per-model certificates are not allowed for this model");
        }
        String vin = key.clientId();
        if (!key.username().isEmpty() && !key.username().equals(vin)) {
            return AuthnDecision.deny("username is not the client id");
        }
        if (vehicle.isEmpty() || !vehicle.get().modelCode().equals(model.get().code())) {
            return AuthnDecision.deny("client id is not a VIN registered to this model");
        }
        // A bootstrap credential, never a standing identity: only for a VIN without a usable
        // certificate of its own, not blocked, and not revoked since an operator's unblock.
        String refusal = vehicle.get().perModelRefusal(own);
        if (refusal != null) {
            return AuthnDecision.deny(refusal);
        }
        return AuthnDecision.allow(vin, acl.rulesFor(vin), "per-model certificate", c.notAfter());
    }

    /** Authz: the client id must be a registered VIN and the topic inside its ACL. */
    public AuthnResult authorize(AuthzRequest r) {
        String clientId = clean(r.clientid());
        String action = clean(r.action());
        if (!action.equals("publish") && !action.equals("subscribe") && !action.equals("all")) {
            return AuthnResult.DENY;
        }
        if (clientId.isEmpty() || clientId.length() > 64 || directory.vehicle(clientId).filter(v -> !v.blocked()).isEmpty()) {
            return AuthnResult.DENY;
        }
        String username = clean(r.username());
        if (!username.isEmpty() && !username.equals(clientId)) {
            return AuthnResult.DENY;
        }
        return acl.permits(clientId, r.topic()) ? AuthnResult.ALLOW : AuthnResult.DENY;
    }
}
