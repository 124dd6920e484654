package io.gmtls.pki.feed;

import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.web.Allowed;
import io.gmtls.pki.web.ApiRole;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/revocations/feed}: the revocation feed as Server-Sent Events for TLS gateways
 * (role GATEWAY, or ADMIN). The resume point is {@code Last-Event-ID} or {@code ?after=} (the header
 * wins); a malformed one is a 400 before any stream opens.
 */
@RestController
public class RevocationFeedController {

    /** A seq: decimal, at most 18 digits (it always fits a long). */
    private static final Pattern SEQ = Pattern.compile("[0-9]{1,18}");

    private final RevocationFeed feed;

    public RevocationFeedController(RevocationFeed feed) {
        this.feed = feed;
    }

    @GetMapping("/api/v1/revocations/feed")
    @Allowed({ApiRole.GATEWAY})
    public SseEmitter feed(@RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(value = "after", required = false) String after) {
        Long resume = lastEventId != null ? parse("Last-Event-ID", lastEventId) : after != null ? parse("after", after)
                : null;
        if (!feed.hasRoom()) {
            throw new PkiException(PkiException.Kind.UNAVAILABLE, "too many revocation feed streams on this node");
        }
        return feed.open(resume);
    }

    private static Long parse(String name, String value) {
        String v = value.strip();
        if (!SEQ.matcher(v).matches()) {
            throw PkiException.badRequest(name + " must be a decimal event sequence number");
        }
        return Long.parseLong(v);
    }
}
