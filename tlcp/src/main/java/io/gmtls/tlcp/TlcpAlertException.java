package io.gmtls.tlcp;

import javax.net.ssl.SSLException;

/**
 * A TLCP connection failed with an alert: either this side sent it (the reason is in the message)
 * or the peer did ({@link #receivedFromPeer()}).
 */
public final class TlcpAlertException extends SSLException {

  private static final long serialVersionUID = 1L;

  private final Alert alert;
  private final boolean receivedFromPeer;

  /** An alert this side raises; {@code why} must not contain secrets. */
  public TlcpAlertException(Alert alert, String why) {
    this(alert, why, null);
  }

  /** An alert this side raises, with the exception that caused it. */
  public TlcpAlertException(Alert alert, String why, Throwable cause) {
    super(alert.description() + ": " + why, cause);
    this.alert = alert;
    this.receivedFromPeer = false;
  }

  private TlcpAlertException(Alert alert, String message, boolean receivedFromPeer) {
    super(message);
    this.alert = alert;
    this.receivedFromPeer = receivedFromPeer;
  }

  /** The peer sent a fatal alert (or an alert we treat as fatal). */
  public static TlcpAlertException received(Alert alert) {
    return new TlcpAlertException(alert, "Received fatal alert: " + alert.description(), true);
  }

  /** The alert. */
  public Alert alert() {
    return alert;
  }

  /** True if the peer sent the alert, false if this side raised it. */
  public boolean receivedFromPeer() {
    return receivedFromPeer;
  }
}
