package io.gmtls.pki.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The console's stylesheet and its one small script, served by pki-ca itself (no CDN; the content
 * security policy allows only these). A fixed list: nothing else on the class path is reachable.
 */
@Controller
public class ConsoleAssetsController {

    private static final Map<String, MediaType> ASSETS = Map.of(
            "console.css", new MediaType("text", "css", java.nio.charset.StandardCharsets.UTF_8),
            "console.js", new MediaType("text", "javascript", java.nio.charset.StandardCharsets.UTF_8));

    @GetMapping("/console/assets/{name}")
    public ResponseEntity<byte[]> asset(@PathVariable String name) throws IOException {
        MediaType type = ASSETS.get(name);
        if (type == null) {
            return ResponseEntity.notFound().build();
        }
        try (InputStream in = new ClassPathResource("console/assets/" + name).getInputStream()) {
            return ResponseEntity.ok().contentType(type).cacheControl(CacheControl.noCache()).body(in.readAllBytes());
        }
    }
}
