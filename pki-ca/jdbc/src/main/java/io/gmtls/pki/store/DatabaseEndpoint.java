package io.gmtls.pki.store;

/**
 * How to open a connection of our own (the LISTEN connection is not a pooled one).
 *
 * @param url      JDBC URL
 * @param user     user name
 * @param password password, may be empty (trust authentication)
 * @param embedded true when it points at the embedded PostgreSQL this process started
 */
public record DatabaseEndpoint(String url, String user, String password, boolean embedded) {

    @Override
    public String toString() {
        return "DatabaseEndpoint[url=" + url.replaceAll("password=[^&]*", "password=***") + ", user=" + user
                + ", embedded=" + embedded + "]";
    }
}
