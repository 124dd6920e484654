package io.gmtls.tlcp.crypto;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Test doubles of the crypto interfaces that forward every call to a real implementation and show
 * each call and its result to the test (to count HMAC keyings or MAC computations), so that no
 * test writes a forwarding copy of an interface by hand.
 */
public final class Forwarding {

  /** Sees one forwarded call after it returned; what it returns is the caller's result. */
  @FunctionalInterface
  public interface Observer {
    Object returned(Method method, Object[] args, Object result) throws Throwable;
  }

  private Forwarding() {
  }

  /** A {@code type} forwarding every call to {@code target}, then to {@code observer}. */
  public static <T> T to(Class<T> type, T target, Observer observer) {
    return type.cast(Proxy.newProxyInstance(Forwarding.class.getClassLoader(),
        new Class<?>[] {type}, (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          return observer.returned(method, args, result);
        }));
  }
}
