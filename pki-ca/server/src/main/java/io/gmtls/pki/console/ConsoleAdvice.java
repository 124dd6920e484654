package io.gmtls.pki.console;

import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.web.ApiKeyInterceptor;
import io.gmtls.pki.web.ApiRole;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * What every console page knows (the signed-in caller, the CSRF token, whether the caller may change
 * things — by the REST API's role rule — and the language), and the console's error pages: a refusal
 * or a bad request is a page in the operator's language, never problem JSON or a stack trace.
 */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConsoleAdvice {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);

    /** The signed-in session, or null on the sign-in page. */
    @ModelAttribute("me")
    ConsoleSessions.Session session(HttpServletRequest request) {
        return (ConsoleSessions.Session) request.getAttribute(ConsoleInterceptor.SESSION);
    }

    /** Whether the caller may change anything: the role rule of the operator endpoints. */
    @ModelAttribute("canChange")
    boolean canChange(HttpServletRequest request) {
        return canChange((ConsoleSessions.Session) request.getAttribute(ConsoleInterceptor.SESSION));
    }

    static boolean canChange(ConsoleSessions.Session session) {
        return session != null && ApiKeyInterceptor.permits(session.caller().role(), ApiRole.OPERATOR);
    }

    /**
     * This page's address without the language parameter, for the language switch: a GET page switches
     * in place; after a POST (its answer is not a page to load again) the switch goes to the overview.
     */
    @ModelAttribute("here")
    String here(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod())) {
            return "/console";
        }
        return org.springframework.web.util.UriComponentsBuilder.fromPath(request.getRequestURI())
                .query(request.getQueryString()).replaceQueryParam("lang").build().toUriString()
                .substring(request.getContextPath().length());
    }

    @ModelAttribute("fmt")
    ConsoleFormats fmt() {
        return ConsoleFormats.INSTANCE;
    }

    @ModelAttribute("lang")
    String lang(HttpServletRequest request) {
        Locale locale = RequestContextUtils.getLocale(request);
        return locale.getLanguage().equals("zh") ? "zh-CN" : "en";
    }

    @ExceptionHandler(ConsoleInterceptor.ConsoleForbidden.class)
    ModelAndView forbidden(ConsoleInterceptor.ConsoleForbidden e, HttpServletRequest request,
            HttpServletResponse response) {
        return error(request, response, 403, e.messageKey(), null);
    }

    @ExceptionHandler(ApiKeyInterceptor.Unauthorized.class)
    ModelAndView unauthorized(HttpServletRequest request, HttpServletResponse response) {
        return error(request, response, 401, "console.error.session", null);
    }

    @ExceptionHandler(PkiException.class)
    ModelAndView pki(PkiException e, HttpServletRequest request, HttpServletResponse response) {
        int status = switch (e.kind()) {
            case BAD_REQUEST -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
        if (status >= 500) {
            log.warn("console request failed: {}", e.getMessage(), e.getCause());
            return error(request, response, status, "console.error.internal", null);
        }
        // PkiException messages are written for the caller (the REST API returns them as they are).
        return error(request, response, status, status == 403 ? "console.error.forbidden" : "console.error.refused",
                status == 403 ? null : e.getMessage());
    }

    @ExceptionHandler(DataAccessException.class)
    ModelAndView database(DataAccessException e, HttpServletRequest request, HttpServletResponse response) {
        log.warn("console: database unavailable: {}", e.getClass().getSimpleName());
        return error(request, response, 503, "console.error.database", null);
    }

    private ModelAndView error(HttpServletRequest request, HttpServletResponse response, int status, String key,
            String detail) {
        ConsoleInterceptor.noStore(response);
        ModelAndView mv = new ModelAndView("console/error");
        mv.setStatus(org.springframework.http.HttpStatusCode.valueOf(status));
        mv.addObject("status", status);
        mv.addObject("messageKey", key);
        mv.addObject("detail", detail);
        ConsoleSessions.Session s = session(request);
        mv.addObject("me", s);
        mv.addObject("canChange", canChange(s));
        mv.addObject("lang", lang(request));
        mv.addObject("here", here(request));
        mv.addObject("fmt", ConsoleFormats.INSTANCE);
        return mv;
    }
}
