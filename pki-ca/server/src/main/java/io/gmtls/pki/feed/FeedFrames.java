package io.gmtls.pki.feed;

import io.gmtls.pki.core.RevocationEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SSE frames of the revocation feed, exactly as the wire contract writes them (UTF-8, LF line
 * ends, one JSON object on one {@code data:} line): {@code id: <seq>}, {@code event: revoked |
 * unrevoked | resync}, and the {@code : ping} keep-alive comment.
 */
final class FeedFrames {

    /** The keep-alive comment. */
    static final String PING = ": ping\n\n";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FeedFrames() {
    }

    /** One revoked/unrevoked event. */
    static String event(RevocationEvent e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("seq", e.seq());
        putCertificate(data, e.serial(), e.issuer(), e.reason() == null ? null : e.reason().rfcName(), e.time(),
                e.notAfter());
        return frame(e.seq(), e.kind().wire(), data);
    }

    /** The resync frame: the whole revoked set as of {@code snapshot.head()}. */
    static String resync(RevocationEvent.Snapshot snapshot) {
        List<Map<String, Object>> revoked = new ArrayList<>(snapshot.revoked().size());
        for (RevocationEvent.Revoked r : snapshot.revoked()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            putCertificate(entry, r.serial(), r.issuer(), r.reason().rfcName(), r.time(), r.notAfter());
            revoked.add(entry);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("seq", snapshot.head());
        data.put("revoked", revoked);
        return frame(snapshot.head(), "resync", data);
    }

    private static void putCertificate(Map<String, Object> into, String serial, String issuer, String reason,
            java.time.Instant time, java.time.Instant notAfter) {
        into.put("serial", serial);
        into.put("issuer", issuer);
        into.put("reason", reason);
        into.put("time", time.toString());
        into.put("notAfter", notAfter.toString());
    }

    private static String frame(long id, String event, Map<String, Object> data) {
        // Jackson escapes every control character, so the JSON is one line whatever the DN holds.
        return "id: " + id + "\nevent: " + event + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
    }
}
