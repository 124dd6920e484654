package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's public surface: what {@code module-info} exports, and that nothing a user can
 * reach names a type of the protocol internals (handshake, message, record, the BouncyCastle
 * implementation) or a non-public type.
 */
class PublicSurfaceTest {

  private static final Set<String> EXPORTED = Set.of("io.gmtls.tlcp", "io.gmtls.tlcp.crypto");
  private static final Pattern TLCP_TYPE = Pattern.compile("io\\.gmtls\\.tlcp(?:\\.[a-z]\\w*)*\\.[A-Z][\\w$]*");

  @Test
  void moduleExportsTheApiAndTheCryptoInterfaceOnly() throws Exception {
    ModuleDescriptor module = ModuleFinder.of(classes()).find("io.gmtls.tlcp").orElseThrow().descriptor();

    assertThat(module.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.source()).isFalse());
    assertThat(module.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactlyInAnyOrderElementsOf(EXPORTED);
    assertThat(module.packages()).contains("io.gmtls.tlcp.handshake", "io.gmtls.tlcp.message",
        "io.gmtls.tlcp.record", "io.gmtls.tlcp.crypto.bc");
    assertThat(module.opens()).isEmpty();
    assertThat(module.requires()).allSatisfy(r -> assertThat(r.modifiers())
        .as("%s: the API exposes no dependency's types", r.name())
        .doesNotContain(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
  }

  @Test
  void publicSignaturesOfExportedPackagesNameOnlyExportedPublicTypes() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : exportedClasses()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      List<String> signatures = new ArrayList<>();
      if (c.getGenericSuperclass() != null) {
        signatures.add(c.getGenericSuperclass().getTypeName());
      }
      Stream.of(c.getGenericInterfaces()).forEach(t -> signatures.add(t.getTypeName()));
      for (Method m : c.getDeclaredMethods()) {
        if (reachable(m)) {
          signatures.add(m.toGenericString());
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (reachable(k)) {
          signatures.add(k.toGenericString());
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (reachable(f)) {
          signatures.add(f.toGenericString());
        }
      }
      for (String signature : signatures) {
        Matcher m = TLCP_TYPE.matcher(signature);
        while (m.find()) {
          if (!apiType(m.group())) {
            leaks.add(c.getSimpleName() + ": " + signature + " names " + m.group());
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void internalsAreNotPartOfTheApi() throws Exception {
    // The classes a user of the engine never needs: public only for the other internal packages.
    Set<String> rootTypes = new TreeSet<>();
    for (Class<?> c : exportedClasses()) {
      if (c.getPackageName().equals("io.gmtls.tlcp") && Modifier.isPublic(c.getModifiers())
          && c.getEnclosingClass() == null) {
        rootTypes.add(c.getSimpleName());
      }
    }
    assertThat(rootTypes).doesNotContain("TlcpSessionCache", "SessionState", "Handshaker",
        "TicketCodec", "JsseConfig", "TlcpSocket", "TlcpSessionContext");
    assertThat(rootTypes).contains("TlcpContext", "TlcpEngine", "TlcpProvider", "TlcpSession",
        "TlcpCipherSuite", "RevocationChecker", "RevocationStatus", "PeerCertificateListener",
        "TlcpAlertException", "Alert", "PeerProfile");
  }

  private static boolean reachable(Member m) {
    int mod = m.getModifiers();
    if (m.isSynthetic()) {
      return false;
    }
    return Modifier.isPublic(mod) || (Modifier.isProtected(mod)
        && !Modifier.isFinal(m.getDeclaringClass().getModifiers()));
  }

  private static boolean apiType(String name) throws ClassNotFoundException {
    Class<?> type;
    try {
      type = Class.forName(name);
    } catch (ClassNotFoundException e) {
      type = Class.forName(binaryName(name));
    }
    for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
      if (!Modifier.isPublic(t.getModifiers())) {
        return false;
      }
    }
    return EXPORTED.contains(type.getPackageName());
  }

  /** {@code a.b.Outer.Inner} (as printed in generic signatures) to {@code a.b.Outer$Inner}. */
  private static String binaryName(String name) {
    String[] parts = name.split("\\.");
    StringBuilder b = new StringBuilder();
    boolean inType = false;
    for (String p : parts) {
      if (b.length() > 0) {
        b.append(inType ? '$' : '.');
      }
      b.append(p);
      inType |= Character.isUpperCase(p.charAt(0));
    }
    return b.toString();
  }

  private static List<Class<?>> exportedClasses() throws IOException, URISyntaxException,
      ClassNotFoundException {
    List<Class<?>> out = new ArrayList<>();
    Path root = classes();
    for (String pkg : EXPORTED) {
      Path dir = root.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
          String simple = f.getFileName().toString().replace(".class", "");
          if (!simple.equals("module-info")) {
            out.add(Class.forName(pkg + "." + simple));
          }
        }
      }
    }
    return out;
  }

  private static Path classes() throws URISyntaxException {
    return Path.of(TlcpContext.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
