package io.gmtls.pki.console;

import io.gmtls.pki.core.FleetReport;
import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.store.JdbcFleetReport;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/**
 * The operator console's wiring: sessions ({@code gmtls.console.idle-timeout}), the session interceptor
 * ahead of the API-key interceptor, the language (a {@code lang} parameter, kept in a cookie), the
 * messages ({@code console/messages*.properties}) and the fleet report.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration implements WebMvcConfigurer {

    /** The idle timeout's key. */
    public static final String IDLE_TIMEOUT = "gmtls.console.idle-timeout";
    /** The cookie that keeps the chosen language. */
    public static final String LANGUAGE_COOKIE = "GMTLS_CONSOLE_LANG";
    /** The languages the console speaks. */
    public static final java.util.List<Locale> LANGUAGES = java.util.List.of(Locale.SIMPLIFIED_CHINESE, Locale.ENGLISH);

    private final ConsoleSessions sessions;

    public ConsoleConfiguration(@Value("${" + IDLE_TIMEOUT + ":15m}") Duration idleTimeout, Clock pkiClock,
            SecureRandom pkiRandom) {
        if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0 || idleTimeout.compareTo(Duration.ofHours(12)) > 0) {
            throw new PkiConfigException(IDLE_TIMEOUT, "must be between 1m and 12h");
        }
        this.sessions = new ConsoleSessions(idleTimeout, pkiClock, pkiRandom);
    }

    @Bean
    ConsoleSessions consoleSessions() {
        return sessions;
    }

    @Bean
    FleetReport fleetReport(DataSource dataSource) {
        return new JdbcFleetReport(JdbcClient.create(dataSource));
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // Before the API-key interceptor (order 0): it finds the session's caller already in place.
        registry.addInterceptor(new ConsoleInterceptor(sessions)).addPathPatterns("/console", "/console/**")
                .order(Ordered.HIGHEST_PRECEDENCE + 10);
        LocaleChangeInterceptor language = new LocaleChangeInterceptor();
        language.setParamName("lang");
        language.setHttpMethods("GET");
        language.setIgnoreInvalidLocale(true);
        registry.addInterceptor(new LanguageInterceptor(language)).addPathPatterns("/console", "/console/**")
                .order(Ordered.HIGHEST_PRECEDENCE + 20);
    }

    /** Only the console's languages are accepted from the {@code lang} parameter. */
    private record LanguageInterceptor(LocaleChangeInterceptor delegate)
            implements org.springframework.web.servlet.HandlerInterceptor {
        @Override
        public boolean preHandle(jakarta.servlet.http.HttpServletRequest request,
                jakarta.servlet.http.HttpServletResponse response, Object handler) throws jakarta.servlet.ServletException {
            String lang = request.getParameter("lang");
            if (lang == null || LANGUAGES.stream().noneMatch(l -> l.toLanguageTag().equalsIgnoreCase(lang)
                    || l.toString().equalsIgnoreCase(lang))) {
                return true;
            }
            return delegate.preHandle(request, response, handler);
        }
    }

    /** The language from the cookie, else the browser's Accept-Language, else Chinese. */
    @Bean
    LocaleResolver localeResolver() {
        CookieLocaleResolver resolver = new CookieLocaleResolver(LANGUAGE_COOKIE);
        resolver.setCookiePath("/console");
        resolver.setCookieHttpOnly(true);
        resolver.setCookieSameSite("Strict");
        resolver.setCookieMaxAge(Duration.ofDays(365));
        resolver.setDefaultLocaleFunction(request -> {
            Locale asked = request.getLocale();
            return asked != null && asked.getLanguage().equals("en") ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE;
        });
        return resolver;
    }

    /** Every label and message, in console/messages.properties (English) and messages_zh_CN.properties. */
    @Bean
    MessageSource messageSource() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasename("console/messages");
        source.setDefaultEncoding("UTF-8");
        source.setFallbackToSystemLocale(false);
        source.setUseCodeAsDefaultMessage(false);
        return source;
    }
}
