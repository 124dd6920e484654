package io.gmtls.proxy.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static List<SseReader.Frame> read(byte[] bytes, int maxLine, int maxResync) throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(bytes), maxLine, maxResync);
        List<SseReader.Frame> frames = new ArrayList<>();
        SseReader.Frame f;
        while ((f = reader.next()) != null) {
            frames.add(f);
        }
        return frames;
    }

    private static List<SseReader.Frame> read(String text) throws IOException {
        return read(text.getBytes(StandardCharsets.UTF_8), 64, 1024);
    }

    @Test
    void readsFieldsCommentsAndEveryLineEnding() throws IOException {
        List<SseReader.Frame> frames = read("\uFEFF: ping\n\nid: 41\nevent: revoked\ndata: {\"a\":1}\n\n"
                + "id:42\r\nevent:unrevoked\r\ndata:x\r\ndata: y\r\n\r\n"
                + "retry: 10\rdata: z\r\r"
                + "event: ignored-without-data\n\n"
                + "data: cut off by the end of the stream\n");
        assertThat(frames).containsExactly(
                new SseReader.Frame("41", "revoked", "{\"a\":1}"),
                new SseReader.Frame("42", "unrevoked", "x\ny"),
                new SseReader.Frame("42", "message", "z"));
    }

    @Test
    void countsKeepAliveComments() throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(": ping\n\n: ping\n\n".getBytes(StandardCharsets.UTF_8)),
                64, 64);
        assertThat(reader.next()).isNull();
        assertThat(reader.comments()).isEqualTo(2);
    }

    @Test
    void anOrdinaryLineOverTheBoundIsRefusedButAResyncLineMayBeLonger() throws IOException {
        String long100 = "x".repeat(100);
        assertThatThrownBy(() -> read("event: revoked\ndata: " + long100 + "\n\n"))
                .isInstanceOf(FeedProtocolException.class).hasMessageContaining("longer than 64 bytes")
                .satisfies(e -> assertThat(((FeedProtocolException) e).reason()).isEqualTo("oversized"));
        assertThat(read("event: resync\ndata: " + long100 + "\n\n"))
                .containsExactly(new SseReader.Frame("", "resync", long100));
        assertThatThrownBy(() -> read("event: resync\ndata: " + "y".repeat(2000) + "\n\n"))
                .isInstanceOf(FeedProtocolException.class).hasMessageContaining("longer than 1024 bytes");
        // Many short data lines add up to the same bound.
        assertThatThrownBy(() -> read("data: 0123456789\n".repeat(10) + "\n"))
                .isInstanceOf(FeedProtocolException.class).hasMessageContaining("frame data longer than 64");
        // A line without any end never grows past the bound either.
        assertThatThrownBy(() -> read(": " + "z".repeat(1000)))
                .isInstanceOf(FeedProtocolException.class).hasMessageContaining("longer than 64 bytes");
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        byte[] bad = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xc3, (byte) 0x28, '\n', '\n'};
        assertThatThrownBy(() -> read(bad, 64, 64)).isInstanceOf(FeedProtocolException.class)
                .satisfies(e -> assertThat(((FeedProtocolException) e).reason()).isEqualTo("malformed"));
    }
}
