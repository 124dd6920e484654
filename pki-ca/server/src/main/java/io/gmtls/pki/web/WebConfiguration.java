package io.gmtls.pki.web;

import io.gmtls.pki.service.PkiCaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** API keys, body size limit. */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration implements WebMvcConfigurer {

    /** Largest request body (a CSV of 100,000 VINs is about 2 MiB). */
    public static final long MAX_BODY_BYTES = 4L * 1024 * 1024;

    private final ApiKeys keys;
    private final ApiKeyInterceptor interceptor;

    public WebConfiguration(PkiCaProperties properties) {
        this.keys = new ApiKeys(properties.apiKeys());
        this.interceptor = new ApiKeyInterceptor(keys, properties.broker().requireApiKey());
    }

    /** The configured API keys (the operator console signs in with the same keys). */
    @Bean
    ApiKeys apiKeys() {
        return keys;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(interceptor);
    }

    /**
     * OCSP GET requests carry URL-encoded base64, where '/' arrives as %2F: Tomcat must pass it
     * through instead of rejecting the request.
     */
    @Bean
    org.springframework.boot.tomcat.TomcatConnectorCustomizer encodedSlashPassThrough() {
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }

    @Bean
    FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimitFilter() {
        FilterRegistrationBean<BodySizeLimitFilter> bean = new FilterRegistrationBean<>(
                new BodySizeLimitFilter(MAX_BODY_BYTES));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }

    /** Before every other filter, so that even the authn fast path's log lines carry the connection id. */
    @Bean
    FilterRegistrationBean<ConnectionIdFilter> connectionIdFilter() {
        FilterRegistrationBean<ConnectionIdFilter> bean = new FilterRegistrationBean<>(new ConnectionIdFilter());
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE - 1);
        return bean;
    }
}
