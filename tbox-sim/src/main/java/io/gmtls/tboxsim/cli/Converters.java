package io.gmtls.tboxsim.cli;

import java.net.InetAddress;
import java.util.Locale;

import io.gmtls.tboxsim.transport.TransportKind;
import io.gmtls.tlcp.PeerProfile;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for tbox-sim's option types; each error is one line naming the accepted values. */
final class Converters {

    private Converters() {
    }

    static final class Transport implements ITypeConverter<TransportKind> {
        @Override
        public TransportKind convert(String value) {
            try {
                return TransportKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code tongsuo} or {@code gmssl}, any case. */
    static final class Profile implements ITypeConverter<PeerProfile> {
        @Override
        public PeerProfile convert(String value) {
            for (PeerProfile profile : PeerProfile.values()) {
                if (profile.name().equalsIgnoreCase(value.trim())) {
                    return profile;
                }
            }
            throw new TypeConversionException("unknown peer profile '" + value + "' (tongsuo, gmssl)");
        }
    }

    /** {@code ECC_SM4_GCM_SM3} or the OpenSSL spelling {@code ECC-SM2-SM4-GCM-SM3}, any case. */
    static final class Suite implements ITypeConverter<TlcpCipherSuite> {
        @Override
        public TlcpCipherSuite convert(String value) {
            String wanted = value.trim().toUpperCase(Locale.ROOT);
            for (TlcpCipherSuite suite : TlcpCipherSuite.values()) {
                if (suite.name().equals(wanted.replace('-', '_')) || suite.openSslName().equals(wanted)) {
                    return suite;
                }
            }
            throw new TypeConversionException("unknown TLCP suite '" + value
                    + "' (ECC_SM4_GCM_SM3, ECC_SM4_CBC_SM3, ECDHE_SM4_GCM_SM3, ECDHE_SM4_CBC_SM3)");
        }
    }

    static final class Mqtt implements ITypeConverter<MqttVersion> {
        @Override
        public MqttVersion convert(String value) {
            return switch (value.trim()) {
                case "3.1.1", "4", "311" -> MqttVersion.MQTT_3_1_1;
                case "5", "5.0" -> MqttVersion.MQTT_5;
                default -> throw new TypeConversionException("MQTT version must be 3.1.1 or 5, was '" + value + "'");
            };
        }
    }

    static final class Qos implements ITypeConverter<MqttQoS> {
        @Override
        public MqttQoS convert(String value) {
            return switch (value.trim()) {
                case "0" -> MqttQoS.AT_MOST_ONCE;
                case "1" -> MqttQoS.AT_LEAST_ONCE;
                default -> throw new TypeConversionException("QoS must be 0 or 1, was '" + value + "'");
            };
        }
    }

    static final class TlsProvider implements ITypeConverter<SslProvider> {
        @Override
        public SslProvider convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "openssl", "boringssl" -> SslProvider.OPENSSL;
                case "jdk" -> SslProvider.JDK;
                default -> throw new TypeConversionException("TLS provider must be openssl or jdk, was '" + value + "'");
            };
        }
    }

    /** An IP address literal (no name lookup: a source address must be local). */
    static final class IpAddress implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(value.trim());
            if (address == null) {
                throw new TypeConversionException("not an IP address: '" + value + "'");
            }
            return address;
        }
    }

    static final class DurationValue implements ITypeConverter<java.time.Duration> {
        @Override
        public java.time.Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
