package io.gmtls.certsdev;

/** The roles of the credentials in a development PKI, with the certificate shape each gets. */
public enum Role {
    SM2_ROOT_CA(KeyType.SM2, Shape.ROOT_CA),
    SM2_ISSUING_CA(KeyType.SM2, Shape.ISSUING_CA),
    GATEWAY_TLCP_SIGN(KeyType.SM2, Shape.TLCP_SIGN_SERVER),
    GATEWAY_TLCP_ENC(KeyType.SM2, Shape.TLCP_ENC_SERVER),
    GATEWAY_TLS13_SM2(KeyType.SM2, Shape.TLS_SERVER),
    MODEL_SIGN(KeyType.SM2, Shape.TLCP_SIGN_CLIENT),
    MODEL_ENC(KeyType.SM2, Shape.TLCP_ENC_CLIENT),
    VEHICLE_SIGN(KeyType.SM2, Shape.TLCP_SIGN_CLIENT),
    VEHICLE_ENC(KeyType.SM2, Shape.TLCP_ENC_CLIENT),
    ECDSA_ROOT_CA(KeyType.EC_P256, Shape.ROOT_CA),
    ECDSA_ISSUING_CA(KeyType.EC_P256, Shape.ISSUING_CA),
    GATEWAY_TLS13_ECDSA(KeyType.EC_P256, Shape.TLS_SERVER),
    VEHICLE_ECDSA(KeyType.EC_P256, Shape.TLS_CLIENT);

    private final KeyType keyType;
    private final Shape shape;

    Role(KeyType keyType, Shape shape) {
        this.keyType = keyType;
        this.shape = shape;
    }

    public KeyType keyType() {
        return keyType;
    }

    Shape shape() {
        return shape;
    }

    /** The manifest's name for the role, e.g. {@code vehicle-sign}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Extensions per kind of certificate; TLCP shapes copy those of the Tongsuo peer certificates. */
    enum Shape {
        ROOT_CA, ISSUING_CA, TLCP_SIGN_SERVER, TLCP_ENC_SERVER, TLCP_SIGN_CLIENT, TLCP_ENC_CLIENT, TLS_SERVER, TLS_CLIENT;

        boolean isCa() {
            return this == ROOT_CA || this == ISSUING_CA;
        }

        boolean isServer() {
            return this == TLCP_SIGN_SERVER || this == TLCP_ENC_SERVER || this == TLS_SERVER;
        }
    }
}
