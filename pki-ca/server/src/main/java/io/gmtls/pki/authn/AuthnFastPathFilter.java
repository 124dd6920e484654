package io.gmtls.pki.authn;

import io.gmtls.pki.core.crypto.Fingerprints;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.pki.web.ApiRole;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The lean path of {@code POST /api/v1/broker/authn}: a request whose exact body was answered
 * recently is answered from memory, before Spring MVC, JSON parsing or the database. The key is
 * the SM3 hash of the body (the body holds the MQTT password: only its hash is kept). Anything else
 * (a miss, a wrong key, an odd request) goes on to the controller unchanged, which fills the cache.
 */
public final class AuthnFastPathFilter extends OncePerRequestFilter {

    /** Request attribute: the {@link BodyKey} of this request, for the controller to store its decision under. */
    public static final String BODY_KEY = AuthnFastPathFilter.class.getName() + ".key";
    /** Request attribute: the body cache generation seen before the decision was computed. */
    public static final String GENERATION = AuthnFastPathFilter.class.getName() + ".generation";

    private static final int MAX_BODY = 4096;

    private final DecisionCache<BodyKey, AuthnDecision> bodies;
    private final ApiKeys keys;
    private final boolean requireKey;
    private final Runnable onHit;

    public AuthnFastPathFilter(DecisionCache<BodyKey, AuthnDecision> bodies, ApiKeys keys, boolean requireKey,
            Runnable onHit) {
        this.bodies = bodies;
        this.keys = keys;
        this.requireKey = requireKey;
        this.onHit = onHit;
    }

    /** SM3 of a request body. */
    public record BodyKey(ByteBuffer sm3) {
        static BodyKey of(byte[] body) {
            return new BodyKey(ByteBuffer.wrap(Fingerprints.sm3(body)));
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || !"/api/v1/broker/authn".equals(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        int length = request.getContentLength();
        if (length <= 0 || length > MAX_BODY || (requireKey && !brokerKey(request))) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = readFully(request.getInputStream(), length);
        if (body == null) {
            chain.doFilter(request, response);
            return;
        }
        BodyKey key = BodyKey.of(body);
        AuthnDecision cached = bodies.peek(key);
        if (cached != null) {
            onHit.run();
            response.setStatus(200);
            response.setContentType("application/json");
            response.setContentLength(cached.body().length);
            response.getOutputStream().write(cached.body());
            return;
        }
        request.setAttribute(BODY_KEY, key);
        request.setAttribute(GENERATION, bodies.generation());
        chain.doFilter(new BufferedBody(request, body), response);
    }

    private boolean brokerKey(HttpServletRequest request) {
        String key = request.getHeader("X-API-Key");
        if (key == null) {
            String auth = request.getHeader("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                key = auth.substring(7).strip();
            }
        }
        return keys.lookup(key).map(c -> c.role() == ApiRole.BROKER || c.role() == ApiRole.ADMIN).orElse(false);
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] body = in.readNBytes(length);
        return body.length == length ? body : null;
    }

    /** The request with its body already read into memory. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = Arrays.copyOf(body, body.length);
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("blocking input only");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
