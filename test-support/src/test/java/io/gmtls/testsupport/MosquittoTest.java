package io.gmtls.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The machine's Mosquitto binary (or broker): a private instance listens until closed. */
class MosquittoTest {

    @Test
    void aPrivateBrokerListensOnAFreePortUntilClosed() throws Exception {
        InetSocketAddress address;
        try (Mosquitto broker = Mosquitto.startPrivate("max_queued_messages 100")) {
            address = broker.address();
            assertThat(address.getHostString()).isEqualTo("127.0.0.1");
            assertThat(Mosquitto.listening(address)).isTrue();
        }
        if (!address.equals(Mosquitto.SYSTEM)) {
            assertThat(Mosquitto.listening(address)).isFalse();
        }
    }

    @Test
    void theSharedBrokerIsTheSameForTheWholeRun() throws Exception {
        InetSocketAddress first = Mosquitto.shared();
        assertThat(Mosquitto.listening(first)).isTrue();
        assertThat(Mosquitto.shared()).isSameAs(first);
    }
}
