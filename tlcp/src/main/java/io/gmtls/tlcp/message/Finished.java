package io.gmtls.tlcp.message;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;

/**
 * GB/T 38636-2020 clause 6.4.5.10:
 * <pre>
 * struct { opaque verify_data[12]; } Finished;
 * verify_data = PRF(master_secret, finished_label, SM3(handshake_messages))[0..11]
 * finished_label = "client finished" | "server finished"
 * </pre>
 */
public final class Finished implements HandshakeMessage {

  public static final int LENGTH = 12;

  private final byte[] verifyData;

  public Finished(byte[] verifyData) {
    this.verifyData = verifyData.clone();
  }

  /** Parses a Finished body. */
  public static Finished parse(byte[] body) throws TlcpAlertException {
    if (body.length != LENGTH) {
      throw new TlcpAlertException(Alert.DECODE_ERROR, "Finished is not 12 bytes");
    }
    return new Finished(body);
  }

  @Override
  public int type() {
    return HandshakeType.FINISHED;
  }

  @Override
  public byte[] body() {
    return verifyData.clone();
  }

  public byte[] verifyData() {
    return verifyData.clone();
  }

  @Override
  public String toString() {
    return "Finished";
  }
}
