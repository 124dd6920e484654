package io.gmtls.tlcp.message;

/** HandshakeType values (GB/T 38636-2020 clause 6.4.5.1, plus RFC 5077's new_session_ticket). */
public final class HandshakeType {

  public static final int HELLO_REQUEST = 0;
  public static final int CLIENT_HELLO = 1;
  public static final int SERVER_HELLO = 2;
  public static final int NEW_SESSION_TICKET = 4;
  public static final int CERTIFICATE = 11;
  public static final int SERVER_KEY_EXCHANGE = 12;
  public static final int CERTIFICATE_REQUEST = 13;
  public static final int SERVER_HELLO_DONE = 14;
  public static final int CERTIFICATE_VERIFY = 15;
  public static final int CLIENT_KEY_EXCHANGE = 16;
  public static final int FINISHED = 20;
  /** Not a handshake type: stands for the ChangeCipherSpec record in the state table. */
  public static final int CHANGE_CIPHER_SPEC = -1;

  /** Handshake header: msg_type (1) and uint24 length. */
  public static final int HEADER = 4;

  private HandshakeType() {
  }

  /** A readable name for logs and exception messages. */
  public static String name(int type) {
    return switch (type) {
      case HELLO_REQUEST -> "hello_request";
      case CLIENT_HELLO -> "client_hello";
      case SERVER_HELLO -> "server_hello";
      case NEW_SESSION_TICKET -> "new_session_ticket";
      case CERTIFICATE -> "certificate";
      case SERVER_KEY_EXCHANGE -> "server_key_exchange";
      case CERTIFICATE_REQUEST -> "certificate_request";
      case SERVER_HELLO_DONE -> "server_hello_done";
      case CERTIFICATE_VERIFY -> "certificate_verify";
      case CLIENT_KEY_EXCHANGE -> "client_key_exchange";
      case FINISHED -> "finished";
      case CHANGE_CIPHER_SPEC -> "change_cipher_spec";
      default -> "unknown(" + type + ")";
    };
  }
}
