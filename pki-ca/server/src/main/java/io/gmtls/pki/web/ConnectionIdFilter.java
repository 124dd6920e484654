package io.gmtls.pki.web;

import java.io.IOException;

import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Puts the gateway's connection id, sent by the auth gate as {@code X-Connection-Id} (the id PPv2 TLV
 * 0x05 carries), into the logging MDC as {@code connection_id} for the request, so that the CA's log
 * lines about a vehicle's CONNECT can be joined with the gateway's and the gate's (a field of its own
 * in JSON logs). Bounded and printable-ASCII only: anything else is ignored, never logged.
 */
public final class ConnectionIdFilter extends OncePerRequestFilter {

    /** The request header. */
    public static final String HEADER = "X-Connection-Id";
    /** The MDC key (the same field name the gateway and the gate use). */
    public static final String MDC_KEY = "connection_id";
    private static final int MAX_LENGTH = 128;

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = request.getHeader(HEADER);
        if (id == null || !acceptable(id)) {
            chain.doFilter(request, response);
            return;
        }
        MDC.put(MDC_KEY, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    static boolean acceptable(String id) {
        return !id.isEmpty() && id.length() <= MAX_LENGTH && id.chars().allMatch(c -> c > ' ' && c < 0x7f);
    }
}
