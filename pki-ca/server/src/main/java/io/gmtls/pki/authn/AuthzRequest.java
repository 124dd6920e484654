package io.gmtls.pki.authn;

/**
 * The body of EMQX 5's HTTP authorizer: {@code clientid}, {@code username}, {@code topic},
 * {@code action} ({@code publish} or {@code subscribe}).
 */
public record AuthzRequest(String clientid, String username, String topic, String action) {
}
