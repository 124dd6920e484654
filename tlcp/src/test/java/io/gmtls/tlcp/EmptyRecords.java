package io.gmtls.tlcp;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.net.ssl.SSLException;

/** Makes an engine emit an empty application-data record, as Tongsuo does before each record. */
final class EmptyRecords {

  private EmptyRecords() {
  }

  static byte[] of(TlcpEngine engine) throws SSLException {
    try {
      Method queue = TlcpEngine.class.getDeclaredMethod("queueRecord", int.class, byte[].class, int.class, int.class);
      queue.setAccessible(true);
      queue.invoke(engine, 23, new byte[0], 0, 0);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    ByteBuffer out = ByteBuffer.allocate(1024);
    engine.wrap(ByteBuffer.allocate(0), out);
    return Arrays.copyOf(out.array(), out.position());
  }
}
