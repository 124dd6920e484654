package io.gmtls.pki.console;

import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import io.gmtls.pki.web.ApiKeys;
import io.gmtls.pki.web.ApiRole;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Sign-in with an API key (admin, operator or auditor; a broker key is refused) exchanged for a session
 * cookie, and sign-out. The sign-in form carries a token of its own, matched against a short-lived
 * cookie (so another site cannot sign a browser in under its own key).
 */
@Controller
public class ConsoleLoginController {

    static final String LOGIN_COOKIE = "GMTLS_CONSOLE_LOGIN";
    /** The roles that may sign in to the console. */
    static final java.util.Set<ApiRole> CONSOLE_ROLES = java.util.EnumSet.of(ApiRole.ADMIN, ApiRole.OPERATOR,
            ApiRole.AUDITOR);

    private final ConsoleSessions sessions;
    private final ApiKeys keys;
    private final PkiStores stores;

    public ConsoleLoginController(ConsoleSessions sessions, ApiKeys keys, PkiStores stores) {
        this.sessions = sessions;
        this.keys = keys;
        this.stores = stores;
    }

    @GetMapping("/console/login")
    public String form(HttpServletRequest request, HttpServletResponse response, Model model) {
        String token = sessions.randomToken();
        response.addHeader(HttpHeaders.SET_COOKIE, ConsoleInterceptor.cookieHeader(request, LOGIN_COOKIE, token,
                Duration.ofMinutes(30)));
        model.addAttribute("loginToken", token);
        model.addAttribute("expired", request.getParameter("expired") != null);
        model.addAttribute("signedOut", request.getParameter("signedOut") != null);
        return "console/login";
    }

    @PostMapping("/console/login")
    public String signIn(@RequestParam(name = "apiKey", required = false) String apiKey,
            @RequestParam(name = ConsoleInterceptor.CSRF_FIELD, required = false) String formToken,
            HttpServletRequest request, HttpServletResponse response, Model model) {
        String cookieToken = ConsoleInterceptor.cookie(request, LOGIN_COOKIE);
        if (cookieToken == null || formToken == null || !MessageDigest.isEqual(
                cookieToken.getBytes(StandardCharsets.US_ASCII), formToken.getBytes(StandardCharsets.US_ASCII))) {
            throw new ConsoleInterceptor.ConsoleForbidden("console.error.csrf");
        }
        Optional<ApiKeys.Caller> caller = keys.lookup(apiKey == null ? null : apiKey.strip());
        // People's roles only: a service key (broker, and any role added for services) cannot sign in.
        if (caller.isEmpty() || !CONSOLE_ROLES.contains(caller.get().role())) {
            response.setStatus(401);
            model.addAttribute("failed", true);
            return form(request, response, model);
        }
        ConsoleSessions.Session session = sessions.open(caller.get());
        stores.transactions().inTransaction(() -> {
            stores.audit().append(AuditEvent.success(caller.get().actor(), "console.sign-in", caller.get().name(),
                    "console session opened"));
            return null;
        });
        response.addHeader(HttpHeaders.SET_COOKIE, ConsoleInterceptor.cookieHeader(request, LOGIN_COOKIE, "",
                Duration.ZERO));
        response.addHeader(HttpHeaders.SET_COOKIE, ConsoleInterceptor.cookieHeader(request, ConsoleInterceptor.COOKIE,
                session.id(), sessions.idleTimeout()));
        return "redirect:/console";
    }

    /** Sign-out (a change: needs the session's CSRF token, checked by the interceptor). */
    @PostMapping("/console/logout")
    public String signOut(HttpServletRequest request, HttpServletResponse response) {
        sessions.close(ConsoleInterceptor.cookie(request, ConsoleInterceptor.COOKIE));
        response.addHeader(HttpHeaders.SET_COOKIE, ConsoleInterceptor.cookieHeader(request, ConsoleInterceptor.COOKIE,
                "", Duration.ZERO));
        return "redirect:/console/login?signedOut";
    }
}
