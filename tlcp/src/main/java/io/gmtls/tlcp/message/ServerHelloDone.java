package io.gmtls.tlcp.message;

import io.gmtls.tlcp.TlcpAlertException;

/** GB/T 38636-2020 clause 6.4.5.6: {@code struct { } ServerHelloDone;} */
public final class ServerHelloDone implements HandshakeMessage {

  public static final ServerHelloDone INSTANCE = new ServerHelloDone();

  private ServerHelloDone() {
  }

  /** Parses (checks empty) a ServerHelloDone body. */
  public static ServerHelloDone parse(byte[] body) throws TlcpAlertException {
    new MessageReader(body, "ServerHelloDone").expectEnd();
    return INSTANCE;
  }

  @Override
  public int type() {
    return HandshakeType.SERVER_HELLO_DONE;
  }

  @Override
  public byte[] body() {
    return new byte[0];
  }

  @Override
  public String toString() {
    return "ServerHelloDone";
  }
}
