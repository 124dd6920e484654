package io.gmtls.proxy.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.gmtls.proxy.config.FeedConfig;
import io.gmtls.proxy.config.Secret;
import io.gmtls.proxy.metrics.GatewayMetrics;

/** How frames are applied to the learnt set (the stream itself: GatewayRevocationFeedIT). */
class RevocationFeedTest {

    static final X500Principal ISSUER = new X500Principal("CN=Sub CA,O=Org,C=CN");

    final FeedRevocations set = new FeedRevocations();
    final LiveConnections live = new LiveConnections();
    final GatewayMetrics metrics = new GatewayMetrics();
    final RevocationFeed feed = new RevocationFeed(new FeedConfig(List.of(URI.create("http://127.0.0.1:1/f")),
            new Secret("k".toCharArray()), Optional.of(Path.of("k")), Optional.empty(), Duration.ofSeconds(15),
            Duration.ofMillis(200)), set, live, metrics, Clock.systemUTC());

    @AfterEach
    void close() {
        feed.close();
    }

    private static SseReader.Frame event(String kind, long seq, String serial, String time) {
        return new SseReader.Frame(Long.toString(seq), kind, "{\"seq\":" + seq + ",\"serial\":\"" + serial
                + "\",\"issuer\":\"CN=Sub CA,O=Org,C=CN\",\"reason\":null,\"time\":\"" + time
                + "\",\"notAfter\":\"2099-01-01T00:00:00Z\"}");
    }

    @Test
    void eventsApplyInSeqOrderAndReplaysAndUnknownKindsAreSkipped() throws Exception {
        feed.apply(event("revoked", 42, "1A2B3C", "2026-12-07T02:40:00.123Z"));
        assertThat(set.isRevoked(ISSUER, new BigInteger("1a2b3c", 16))).isTrue();
        assertThat(set.isRevoked(new X500Principal("cn=sub ca, o=org, c=cn"), new BigInteger("1a2b3c", 16)))
                .as("issuer names compare as names, not as strings").isTrue();
        feed.apply(event("unrevoked", 43, "1a2b3c", "2026-12-07T10:40:00+08:00"));
        assertThat(set.isRevoked(ISSUER, new BigInteger("1a2b3c", 16))).isFalse();
        // A replay of 42 after a reconnect must not revoke again nor move seq back.
        feed.apply(event("revoked", 42, "1a2b3c", "2026-12-07T02:40:00Z"));
        assertThat(set.isRevoked(ISSUER, new BigInteger("1a2b3c", 16))).isFalse();
        assertThat(set.seq()).isEqualTo(43);
        feed.apply(new SseReader.Frame("44", "future-kind", "{}"));
        assertThat(set.seq()).isEqualTo(43);
    }

    @Test
    void aResyncReplacesTheSetAndCanGoBackInSeq() throws Exception {
        feed.apply(event("revoked", 50, "aa", "2026-12-07T02:40:00Z"));
        feed.apply(new SseReader.Frame("7", "resync", "{\"seq\":7,\"revoked\":[{\"serial\":\"bb\",\"issuer\":"
                + "\"CN=Sub CA,O=Org,C=CN\",\"reason\":\"keyCompromise\",\"time\":\"2026-12-07T02:00:00Z\","
                + "\"notAfter\":\"2020-01-01T00:00:00Z\"}]}"));
        assertThat(set.isRevoked(ISSUER, BigInteger.valueOf(0xaa))).isFalse();
        assertThat(set.isRevoked(ISSUER, BigInteger.valueOf(0xbb))).isTrue();
        assertThat(set.seq()).isEqualTo(7);
        assertThat(set.pruneExpired(Clock.systemUTC().instant())).as("bb's certificate expired in 2020").isEqualTo(1);
    }

    @Test
    void eventsThatAreNotEventsAreRefused() {
        for (String data : new String[] {"[]", "{\"seq\":-1}", "{\"seq\":1,\"serial\":\"xyz\",\"issuer\":\"CN=a\",\"time\":\"2026-01-01T00:00:00Z\"}",
                "{\"seq\":1,\"serial\":\"ab\",\"issuer\":\"not a name ===\",\"time\":\"2026-01-01T00:00:00Z\"}",
                "{\"seq\":1,\"serial\":\"ab\",\"issuer\":\"CN=a\",\"time\":\"yesterday\"}",
                "{\"seq\":1,\"seq\":2,\"serial\":\"ab\",\"issuer\":\"CN=a\",\"time\":\"2026-01-01T00:00:00Z\"}"}) {
            assertThatThrownBy(() -> feed.apply(new SseReader.Frame("1", "revoked", data)))
                    .as(data).isInstanceOf(FeedProtocolException.class);
        }
        assertThat(set.seq()).isEqualTo(-1);
    }
}
