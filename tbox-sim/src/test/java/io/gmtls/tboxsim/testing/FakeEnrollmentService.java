package io.gmtls.tboxsim.testing;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.Sm2Keys;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.gmtls.certsdev.DevPki;
import io.gmtls.pki.core.crypto.Sm2EnvelopedKey;
import io.gmtls.tlcp.ClientAuth;
import io.gmtls.tlcp.TlcpContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.openssl.PEMParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stand-in for cert-enrollment (which does not exist yet), implementing ENROLL-API.md closely enough to
 * exercise the T-Box side end to end: TLCP with client certificates, HTTP/1.1, the per-model / token /
 * current-certificate credential, CSR proof of possession, issuance by the certs-dev issuing CA, the
 * encryption key sealed with pki-ca's own {@code Sm2EnvelopedKey}, idempotent repeats and RFC 9457 errors.
 */
public final class FakeEnrollmentService implements AutoCloseable {

    /** How the service misbehaves, for the failure tests. */
    public enum Mode { NORMAL, FORBIDDEN, ENVELOPE_FOR_ANOTHER_KEY, DROP_FIRST_REQUEST, RATE_LIMIT_FIRST_REQUEST }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DevPki pki;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, byte[]> answered = new ConcurrentHashMap<>();
    /** Client certificate CN and CSR of every request, in order. */
    public final List<String> callers = new CopyOnWriteArrayList<>();
    public final List<String> csrs = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Mode mode = Mode.NORMAL;

    public FakeEnrollmentService(DevPki pki) throws InterruptedException {
        this.pki = pki;
        TlcpContext tlcp = TlcpContext.builder()
                .signing(pki.gatewaySign().privateKey(), pki.gatewaySign().chain())
                .encryption(pki.gatewayEnc().privateKey(), pki.gatewayEnc().certificate())
                .trustAnchors(pki.sm2Trust())
                .clientAuth(ClientAuth.OPTIONAL)
                .build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new SslHandler(tlcp.newServerEngine()), new HttpServerCodec(),
                                new HttpObjectAggregator(64 * 1024), new Handler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public void mode(Mode m) {
        this.mode = m;
        requests.set(0);
    }

    public void token(String vin, String token) {
        tokens.put(vin, token);
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
            if (mode == Mode.DROP_FIRST_REQUEST && requests.getAndIncrement() == 0) {
                JsonNode body = JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
                csrs.add(body.get("csr").asString());
                ctx.close();
                return;
            }
            if (mode == Mode.RATE_LIMIT_FIRST_REQUEST && requests.getAndIncrement() == 0) {
                ObjectNode json = JSON.createObjectNode();
                json.put("type", "urn:gmtls:enrollment:rate-limited");
                json.put("title", "Too Many Requests");
                json.put("status", 429);
                byte[] bytes = JSON.writeValueAsBytes(json);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.TOO_MANY_REQUESTS, Unpooled.wrappedBuffer(bytes));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                        .set(HttpHeaderNames.RETRY_AFTER, "1").setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            String caller = callerCn(ctx);
            callers.add(String.valueOf(caller));
            JsonNode body = JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
            String vin = body.get("vin").asString();
            String csrPem = body.get("csr").asString();
            csrs.add(csrPem);
            boolean renew = request.uri().equals("/api/v1/renew");
            if (mode == Mode.FORBIDDEN) {
                problem(ctx, HttpResponseStatus.FORBIDDEN, "vin-not-registered", "Forbidden",
                        "VIN " + vin + " is not registered to this model");
                return;
            }
            boolean allowed = renew ? vin.equals(caller)
                    : pki.modelCode().equals(caller) || (body.has("token") && body.get("token").asString().equals(tokens.get(vin)));
            if (!allowed) {
                problem(ctx, HttpResponseStatus.FORBIDDEN, "no-credential", "Forbidden", "no valid credential for " + vin);
                return;
            }
            byte[] previous = answered.get(vin + "\n" + csrPem);
            if (previous != null) {
                respond(ctx, HttpResponseStatus.OK, "application/json", previous);
                return;
            }
            PKCS10CertificationRequest csr;
            try (PEMParser parser = new PEMParser(new java.io.StringReader(csrPem))) {
                csr = (PKCS10CertificationRequest) parser.readObject();
            }
            JcaPKCS10CertificationRequest jcaCsr = new JcaPKCS10CertificationRequest(csr).setProvider(BouncyCastle.PROVIDER);
            PublicKey signingKey = jcaCsr.getPublicKey();
            boolean popOk = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BouncyCastle.PROVIDER)
                    .build(signingKey));
            String cn = IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue());
            if (!popOk || !cn.equals(vin)) {
                problem(ctx, HttpResponseStatus.BAD_REQUEST, "invalid-csr", "Bad Request", "CSR signature or CN wrong");
                return;
            }
            KeyPair encryption = Sm2Keys.generate(RANDOM);
            X509Certificate sign = issue(vin, signingKey, KeyUsage.digitalSignature | KeyUsage.nonRepudiation);
            X509Certificate enc = issue(vin, encryption.getPublic(),
                    KeyUsage.keyEncipherment | KeyUsage.dataEncipherment | KeyUsage.keyAgreement);
            PublicKey sealTo = mode == Mode.ENVELOPE_FOR_ANOTHER_KEY ? Sm2Keys.generate(RANDOM).getPublic() : signingKey;
            byte[] envelope = Sm2EnvelopedKey.seal(encryption, sealTo, RANDOM).encoded();
            ObjectNode json = JSON.createObjectNode();
            json.put("vin", vin);
            json.put("signCertificate", pem(sign));
            json.put("encCertificate", pem(enc));
            json.put("encPrivateKeyEnvelope", Base64.getEncoder().encodeToString(envelope));
            json.putArray("chain").add(pem(pki.sm2Issuing().certificate())).add(pem(pki.sm2Root().certificate()));
            json.put("crlUrl", "http://127.0.0.1/crl/sm2-issuing.crl");
            json.put("notAfter", sign.getNotAfter().toInstant().toString());
            byte[] bytes = JSON.writeValueAsBytes(json);
            answered.put(vin + "\n" + csrPem, bytes);
            respond(ctx, HttpResponseStatus.CREATED, "application/json", bytes);
        }

        private String callerCn(ChannelHandlerContext ctx) {
            try {
                X509Certificate peer = (X509Certificate) ctx.pipeline().get(SslHandler.class).engine().getSession()
                        .getPeerCertificates()[0];
                X500Name subject = X500Name.getInstance(peer.getSubjectX500Principal().getEncoded());
                return IETFUtils.valueToString(subject.getRDNs(BCStyle.CN)[0].getFirst().getValue());
            } catch (Exception none) {
                return null;
            }
        }

        private X509Certificate issue(String vin, PublicKey key, int usage) throws Exception {
            X509Certificate issuer = pki.sm2Issuing().certificate();
            PrivateKey issuerKey = pki.sm2Issuing().privateKey();
            Instant now = Instant.now();
            X500Name subject = new X500Name("C=CN,O=GM TLS Dev,OU=T-Box,CN=" + vin);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(Duration.ofDays(365))), subject, key);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
            return new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER).getCertificate(builder.build(
                    new JcaContentSignerBuilder(Sm2Keys.SIGNATURE_ALGORITHM).setProvider(BouncyCastle.PROVIDER).build(issuerKey)));
        }

        private void problem(ChannelHandlerContext ctx, HttpResponseStatus status, String slug, String title,
                String detail) {
            ObjectNode json = JSON.createObjectNode();
            json.put("type", "urn:gmtls:enrollment:" + slug);
            json.put("title", title);
            json.put("status", status.code());
            json.put("detail", detail);
            respond(ctx, status, "application/problem+json", JSON.writeValueAsBytes(json));
        }

        private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String type, byte[] body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        private String pem(X509Certificate certificate) throws Exception {
            java.io.StringWriter out = new java.io.StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                writer.writeObject(certificate);
            }
            return out.toString();
        }
    }
}
