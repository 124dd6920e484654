package io.gmtls.pki.web;

import io.gmtls.pki.core.PkiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Checks the API key ({@code X-API-Key}, or {@code Authorization: Bearer <key>}) of handlers marked
 * {@link Allowed}; a missing or unknown key is a 401, a key with the wrong role a 403. The caller is
 * left in the request attribute {@link #CALLER} for the audit log.
 */
public final class ApiKeyInterceptor implements HandlerInterceptor {

    /** Request attribute holding the {@link ApiKeys.Caller}. */
    public static final String CALLER = ApiKeyInterceptor.class.getName() + ".caller";

    private final ApiKeys keys;
    private final boolean brokerNeedsKey;

    public ApiKeyInterceptor(ApiKeys keys, boolean brokerNeedsKey) {
        this.keys = keys;
        this.brokerNeedsKey = brokerNeedsKey;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        Allowed allowed = method.getMethodAnnotation(Allowed.class);
        if (allowed == null) {
            allowed = method.getBeanType().getAnnotation(Allowed.class);
        }
        if (allowed == null) {
            return true;
        }
        boolean brokerOnly = Arrays.asList(allowed.value()).equals(java.util.List.of(ApiRole.BROKER));
        if (brokerOnly && !brokerNeedsKey) {
            return true;
        }
        // The operator console signed its caller in with the same API key earlier (its session), and put
        // the caller here before this interceptor runs: the role rule below is the same for both.
        if (request.getAttribute(CALLER) instanceof ApiKeys.Caller signedIn) {
            requirePermitted(signedIn.role(), allowed.value());
            return true;
        }
        String key = request.getHeader("X-API-Key");
        if (key == null) {
            String auth = request.getHeader("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                key = auth.substring(7).strip();
            }
        }
        if (key == null || key.isEmpty()) {
            throw new Unauthorized("an API key is required (X-API-Key header)");
        }
        ApiKeys.Caller caller = keys.lookup(key).orElseThrow(() -> new Unauthorized("unknown API key"));
        requirePermitted(caller.role(), allowed.value());
        request.setAttribute(CALLER, caller);
        return true;
    }

    /** The role rule of every handler: ADMIN may do everything, any other role what {@link Allowed} lists. */
    public static boolean permits(ApiRole role, ApiRole... allowed) {
        return role == ApiRole.ADMIN || Arrays.asList(allowed).contains(role);
    }

    private static void requirePermitted(ApiRole role, ApiRole[] allowed) {
        if (!permits(role, allowed)) {
            throw new PkiException(PkiException.Kind.FORBIDDEN, "role " + role + " may not call this endpoint");
        }
    }

    /** 401. */
    public static final class Unauthorized extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unauthorized(String message) {
            super(message);
        }
    }
}
