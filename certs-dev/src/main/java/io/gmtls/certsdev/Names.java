package io.gmtls.certsdev;

import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Distinguished-name helpers. */
final class Names {
    private Names() {
    }

    static X500Name subject(String organizationalUnit, String commonName) {
        StringBuilder dn = new StringBuilder("C=CN,O=GM TLS Dev");
        if (organizationalUnit != null) {
            dn.append(",OU=").append(organizationalUnit);
        }
        dn.append(",CN=").append(commonName);
        return new X500Name(BCStyle.INSTANCE, dn.toString());
    }

    static String commonName(X500Principal principal) {
        RDN[] cns = X500Name.getInstance(principal.getEncoded()).getRDNs(BCStyle.CN);
        return cns.length == 0 ? "" : IETFUtils.valueToString(cns[0].getFirst().getValue());
    }
}
