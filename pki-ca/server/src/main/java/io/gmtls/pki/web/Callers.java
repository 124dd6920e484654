package io.gmtls.pki.web;

import io.gmtls.pki.core.Actor;
import jakarta.servlet.http.HttpServletRequest;

/** The audited actor of a request. */
final class Callers {

    private Callers() {
    }

    static Actor actor(HttpServletRequest request) {
        Object caller = request.getAttribute(ApiKeyInterceptor.CALLER);
        if (caller instanceof ApiKeys.Caller c) {
            return c.actor();
        }
        return new Actor("anonymous", "none");
    }
}
