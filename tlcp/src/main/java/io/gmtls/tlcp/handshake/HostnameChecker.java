package io.gmtls.tlcp.handshake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * RFC 6125 host name check of a server's signing certificate: SAN dNSName entries (a wildcard
 * only as the whole leftmost label) or, for an IP literal, SAN iPAddress entries. The subject CN
 * is not consulted.
 */
public final class HostnameChecker {

  private HostnameChecker() {
  }

  /** Whether {@code certificate} names {@code host}. */
  public static boolean matches(Certificate certificate, String host) {
    GeneralNames names;
    try {
      names = GeneralNames.fromExtensions(certificate.getTBSCertificate().getExtensions(),
          org.bouncycastle.asn1.x509.Extension.subjectAlternativeName);
    } catch (RuntimeException e) {
      return false;
    }
    if (names == null) {
      return false;
    }
    byte[] ip = ipLiteral(host);
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    for (GeneralName g : names.getNames()) {
      if (ip != null && g.getTagNo() == GeneralName.iPAddress) {
        if (java.util.Arrays.equals(ASN1OctetString.getInstance(g.getName()).getOctets(), ip)) {
          return true;
        }
      } else if (ip == null && g.getTagNo() == GeneralName.dNSName) {
        if (dnsMatches(g.getName().toString().toLowerCase(Locale.ROOT), name)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean dnsMatches(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(pattern.substring(1))
          && pattern.indexOf('.', 2) > 0;
    }
    return pattern.equals(host);
  }

  private static byte[] ipLiteral(String host) {
    boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = host.indexOf(':') >= 0;
    if (!v4 && !v6) {
      return null;
    }
    try {
      String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      return InetAddress.getByName(h).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
