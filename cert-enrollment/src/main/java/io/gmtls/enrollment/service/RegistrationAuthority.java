package io.gmtls.enrollment.service;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The one interface both enrollment protocols (REST and EST) call: checks the caller's credential and
 * the request, then has the in-process CA issue. Blocking (database and signing): call it off the
 * event loop. Every outcome is audited; refusals are {@link EnrollmentProblem}s.
 */
public interface RegistrationAuthority {

    /**
     * First enrollment of a VIN with a per-model certificate or a one-time token. A retry of the same
     * request (same VIN, same CSR, same credential) returns the stored result instead of issuing again.
     */
    EnrollmentOutcome enroll(EnrollmentRequest request);

    /** Renewal with the vehicle's current signing certificate; the old pair is superseded. */
    EnrollmentOutcome renew(EnrollmentRequest request);

    /**
     * Renewal when the caller presents a vehicle signing certificate, enrollment otherwise (EST
     * serverkeygen, which serves both).
     */
    EnrollmentOutcome enrollOrRenew(EnrollmentRequest request);

    /** The issuing CA of vehicle certificates and its parents (issuing CA first, root last). */
    List<X509Certificate> caCertificates();
}
