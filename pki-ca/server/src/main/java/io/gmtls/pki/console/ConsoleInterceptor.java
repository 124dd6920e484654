package io.gmtls.pki.console;

import io.gmtls.pki.web.ApiKeyInterceptor;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The console's session check, before the API-key interceptor: every page but sign-in needs a live
 * session (else a redirect to sign-in), every change (any method but GET/HEAD) the session's CSRF token
 * (else 403). The session's caller is then put where {@link ApiKeyInterceptor} looks, so that the role
 * rule of each handler's {@code @Allowed} is the REST API's, applied by the same code.
 */
public final class ConsoleInterceptor implements HandlerInterceptor {

    /** The session cookie (path /console, HttpOnly, SameSite=Strict, Secure behind TLS). */
    public static final String COOKIE = "GMTLS_CONSOLE";
    /** The form field (or header X-CSRF-Token) carrying the CSRF token. */
    public static final String CSRF_FIELD = "_csrf";
    /** Request attribute with the {@link ConsoleSessions.Session}. */
    public static final String SESSION = ConsoleInterceptor.class.getName() + ".session";

    private final ConsoleSessions sessions;

    public ConsoleInterceptor(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        noStore(response);
        if (!(handler instanceof org.springframework.web.method.HandlerMethod)) {
            // No console handler (an unknown path): the 404 needs no session, and there is nothing to change.
            return true;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/console/login") || path.startsWith("/console/assets/")) {
            return true;
        }
        Optional<ConsoleSessions.Session> session = sessions.touch(cookie(request, COOKIE));
        if (session.isEmpty()) {
            if (isChange(request)) {
                throw new ConsoleForbidden("console.error.session");
            }
            response.setStatus(303);
            response.setHeader(HttpHeaders.LOCATION, request.getContextPath() + "/console/login"
                    + (cookie(request, COOKIE) != null ? "?expired" : ""));
            return false;
        }
        ConsoleSessions.Session s = session.get();
        if (isChange(request)) {
            String presented = request.getParameter(CSRF_FIELD);
            if (presented == null) {
                presented = request.getHeader("X-CSRF-Token");
            }
            if (!s.csrfMatches(presented)) {
                throw new ConsoleForbidden("console.error.csrf");
            }
        }
        request.setAttribute(SESSION, s);
        request.setAttribute(ApiKeyInterceptor.CALLER, s.caller());
        return true;
    }

    static boolean isChange(HttpServletRequest request) {
        return !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod());
    }

    /** Console pages hold certificates and tokens: not cached, not framed, no referrer, own resources only. */
    static void noStore(HttpServletResponse response) {
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; "
                + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    }

    static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (name.equals(c.getName())) {
                return c.getValue();
            }
        }
        return null;
    }

    /**
     * A console cookie: HttpOnly, SameSite=Strict, path /console, Secure when the request came over TLS
     * (directly, or through a proxy that said so in X-Forwarded-Proto: marking the cookie Secure then
     * only narrows where the browser sends it).
     */
    static String cookieHeader(HttpServletRequest request, String name, String value, java.time.Duration maxAge) {
        return ResponseCookie.from(name, value).path(request.getContextPath() + "/console").httpOnly(true)
                .sameSite("Strict").secure(secure(request)).maxAge(maxAge).build().toString();
    }

    static boolean secure(HttpServletRequest request) {
        return request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
    }

    /** A refused console request: 403 with the message of this key. */
    public static final class ConsoleForbidden extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String messageKey;

        public ConsoleForbidden(String messageKey) {
            super(messageKey);
            this.messageKey = messageKey;
        }

        public String messageKey() {
            return messageKey;
        }
    }
}
