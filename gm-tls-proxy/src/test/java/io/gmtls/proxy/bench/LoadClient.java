package io.gmtls.proxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.pem.Pem;
import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Promise;

/**
 * Load client for {@code bench/gateway-bench.sh} (not part of the test run).
 *
 * <pre>
 * LoadClient handshake  --port P --pki DIR --proto tlcp-ecc|tlcp-ecdhe|tls13-ecdsa|tls13-sm --seconds S --concurrency C
 *                       [--count N (instead of --seconds)] [--warmup-seconds 3 (0: measure from the first)]
 *                       [--resume id|ticket (TLCP: one client session cache, every connection after the first resumes)]
 *                       [--gateway-pid PID --clk-tck 100]
 *                       [--echo false (a connection succeeds at its handshake's end: no upstream echo needed)]
 *                       [--rate R --max-inflight 1024 (instead of --concurrency: R new connections per second
 *                        whatever the earlier ones do, as vehicles arrive; --threads 2 for a client that keeps up)]
 * LoadClient throughput --port P --pki DIR --proto tlcp-ecc|tls13-ecdsa|plain --connections C --megabytes M
 * LoadClient hold       --port P --pki DIR --proto tlcp-ecc|plain --connections N [--source 127.0.0.2] [--concurrency C]
 *                       (prints HELD …, then keeps the connections idle until killed)
 * </pre>
 * Full handshakes by default: client engines are made without a peer host, so no session is resumed.
 * {@code --resume id} (TLCP) resumes by session ID, {@code --resume ticket} by session ticket: the
 * engines then carry the gateway's address, so the client's session cache offers the last session.
 * Every connection sends a byte and waits for its echo, so the whole path (gateway → upstream) is
 * exercised; {@code --echo false} ends it at the handshake instead, for an upstream that does not echo
 * (a broker). A failed connection that was open but got not one byte from the server is also counted as
 * {@code closed_before_reply}: what a gateway's admission control does to a connection it sheds before
 * any cryptography (the full-handshake budget), as opposed to a failed handshake.
 */
public final class LoadClient {

    private final Map<String, String> options;
    private final String proto;
    private final int port;
    private final Path pki;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private Supplier<ChannelHandler> ssl;
    /** TLCP resumption: null (full handshakes), "id" (session ID) or "ticket". */
    private final String resume;
    /** Connections whose TLCP session was resumed. */
    private final AtomicLong resumed = new AtomicLong();
    /** Failed connections the server closed without a byte: shed before the handshake (see the class doc). */
    private final AtomicLong closedBeforeReply = new AtomicLong();
    /** False: a connection is done at its handshake's end, no byte is echoed. */
    private final boolean echo;

    private LoadClient(Map<String, String> options) throws Exception {
        this.options = options;
        this.proto = options.getOrDefault("proto", "tlcp-ecc");
        this.port = Integer.parseInt(options.get("port"));
        this.pki = Path.of(options.getOrDefault("pki", "bench/work/pki"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "1"));
        this.group = new MultiThreadIoEventLoopGroup(threads,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.channelClass = Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
        this.resume = options.get("resume");
        if (resume != null && !resume.equals("id") && !resume.equals("ticket")) {
            throw new IllegalArgumentException("--resume id|ticket");
        }
        this.echo = Boolean.parseBoolean(options.getOrDefault("echo", "true"));
        this.ssl = sslFactory();
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: LoadClient handshake|throughput|hold --port P --pki DIR --proto …");
            System.exit(2);
        }
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        LoadClient client = new LoadClient(options);
        switch (args[0]) {
            case "handshake" -> client.handshakes();
            case "throughput" -> client.throughput();
            case "hold" -> client.hold();
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    // ---- client credentials ----

    private Supplier<ChannelHandler> sslFactory() throws Exception {
        Path vehicles = pki.resolve("sm2/vehicles");
        String vin;
        try (Stream<Path> files = Files.list(vehicles)) {
            vin = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-sign.crt")).sorted()
                    .findFirst().orElseThrow().replace("-sign.crt", "");
        }
        List<X509Certificate> sm2Trust = Pem.certificates(pki.resolve("sm2/trust.pem"));
        return switch (proto) {
            case "plain" -> null;
            case "tlcp-ecc", "tlcp-ecdhe" -> {
                TlcpContext context = TlcpContext.builder()
                        .signing(Pem.privateKey(vehicles.resolve(vin + "-sign.key")),
                                Pem.certificates(vehicles.resolve(vin + "-sign.crt")))
                        .encryption(Pem.privateKey(vehicles.resolve(vin + "-enc.key")),
                                Pem.certificates(vehicles.resolve(vin + "-enc.crt")).get(0))
                        .trustAnchors(sm2Trust)
                        .cipherSuites(List.of(proto.equals("tlcp-ecc") ? TlcpCipherSuite.ECC_SM4_GCM_SM3
                                : TlcpCipherSuite.ECDHE_SM4_GCM_SM3))
                        .sessionCacheSize(resume == null ? 0 : 16)
                        .clientSessionTickets("ticket".equals(resume))
                        // A load tool addressing the gateway by whatever address it was given, as the
                        // TLS 1.3 clients below (no endpoint identification): said explicitly.
                        .allowNoHostname(true)
                        .hostnameVerification(false)
                        .build();
                yield resume == null ? () -> new SslHandler(context.newClientEngine(null, -1))
                        : () -> new SslHandler(context.newClientEngine("127.0.0.1", port));
            }
            case "tls13-ecdsa" -> {
                Path ecdsa = pki.resolve("ecdsa/vehicles/" + vin + ".crt");
                PrivateKey key = Pem.privateKey(pki.resolve("ecdsa/vehicles/" + vin + ".key"));
                SslProvider provider = "jdk".equals(options.get("tls-provider")) || !io.netty.handler.ssl.OpenSsl.isAvailable()
                        ? SslProvider.JDK : SslProvider.OPENSSL;
                SslContext context = SslContextBuilder.forClient().sslProvider(provider).protocols("TLSv1.3")
                        .endpointIdentificationAlgorithm(null)
                        .keyManager(key, Pem.certificates(ecdsa).toArray(new X509Certificate[0]))
                        .trustManager(Pem.certificates(pki.resolve("ecdsa/trust.pem")).toArray(new X509Certificate[0]))
                        .build();
                yield () -> context.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT);
            }
            case "tls13-sm" -> {
                CertificateCredential credential = Pem.credential(vehicles.resolve(vin + "-sign.crt"),
                        vehicles.resolve(vin + "-sign.key"), null);
                Sm2Tls13ClientEngines engines = Sm2Tls13ClientEngines.create(credential, sm2Trust);
                yield () -> engines.newHandler("localhost", port);
            }
            default -> throw new IllegalArgumentException("unknown proto " + proto);
        };
    }

    // ---- one connection ----

    /**
     * Handler that completes promises at handshake end and when the expected echo is in ({@code expect}
     * 0: at the handshake's end).
     */
    private static final class Probe extends ChannelInboundHandlerAdapter {
        final Promise<Channel> ready;
        final long expect;
        long received;
        final boolean tls;
        boolean handshaken;
        /** The TCP connection was up. */
        boolean connected;
        /** At least one byte came from the server (set by {@link #replyWatch()}, ahead of the SslHandler). */
        boolean replied;

        Probe(Promise<Channel> ready, long expect, boolean tls) {
            this.ready = ready;
            this.expect = expect;
            this.tls = tls;
        }

        /** The pipeline's first handler: notes the server's first byte, before any TLS processing. */
        ChannelHandler replyWatch() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    replied = true;
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(msg);
                }
            };
        }

        /** Fails the connection; as {@link ClosedBeforeReply} when it was up and the server sent nothing. */
        void fail(Throwable cause) {
            ready.tryFailure(connected && !replied ? new ClosedBeforeReply(cause) : cause);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connected = true;
            if (!tls) {
                ping(ctx);
            }
            ctx.fireChannelActive();
        }

        private void ping(ChannelHandlerContext ctx) {
            handshaken = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'x'}));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                if (!e.isSuccess()) {
                    fail(e.cause());
                    ctx.close();
                } else if (expect == 0) {
                    ready.trySuccess(ctx.channel());
                } else {
                    ping(ctx);
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received += ((ByteBuf) msg).readableBytes();
            ((ByteBuf) msg).release();
            if (received >= expect) {
                ready.trySuccess(ctx.channel());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new IOException("closed before the echo"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }
    }

    /** A connection the server closed (or left) without sending a byte. */
    private static final class ClosedBeforeReply extends IOException {
        ClosedBeforeReply(Throwable cause) {
            super("closed by the server before any reply", cause);
        }
    }

    private Promise<Channel> open(InetSocketAddress local) {
        Promise<Channel> ready = group.next().newPromise();
        Bootstrap b = new Bootstrap().group(group).channel(channelClass).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Probe probe = new Probe(ready, ssl != null && !echo ? 0 : 1, ssl != null);
                        ch.pipeline().addLast(probe.replyWatch());
                        if (ssl != null) {
                            ChannelHandler handler = ssl.get();
                            // A loaded 2-core machine: the client's own 10 s default would count queueing as failure.
                            ((SslHandler) handler).setHandshakeTimeoutMillis(120_000);
                            ch.pipeline().addLast(handler);
                        }
                        ch.pipeline().addLast(probe);
                    }
                });
        InetSocketAddress remote = new InetSocketAddress("127.0.0.1", port);
        ChannelFuture f = local == null ? b.connect(remote) : b.connect(remote, local);
        f.addListener((ChannelFuture cf) -> {
            if (!cf.isSuccess()) {
                ready.tryFailure(cf.cause());
            }
        });
        return ready;
    }

    // ---- modes ----

    private void handshakes() throws Exception {
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
        String pid = options.get("gateway-pid");
        long clkTck = Long.parseLong(options.getOrDefault("clk-tck", "100"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup-seconds", "3"));
        long count = Long.parseLong(options.getOrDefault("count", "0"));
        double arrivals = Double.parseDouble(options.getOrDefault("rate", "0"));
        int maxInflight = Integer.parseInt(options.getOrDefault("max-inflight", "1024"));
        // Warm-up: JIT and pools, not counted.
        if (warmup > 0) {
            runHandshakes(warmup, 0, concurrency);
        }
        resumed.set(0);
        closedBeforeReply.set(0);
        long cpu0 = pid == null ? 0 : cpuTicks(pid);
        long[] threads0 = pid == null ? new long[4] : threadTicks(pid);
        long t0 = System.nanoTime();
        long[] r = arrivals > 0 ? runArrivals(seconds, arrivals, maxInflight)
                : runHandshakes(count > 0 ? 3600 : seconds, count, concurrency);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long cpu1 = pid == null ? 0 : cpuTicks(pid);
        long[] threads1 = pid == null ? new long[4] : threadTicks(pid);
        double rate = r[0] / elapsed;
        double perHandshake = 1000.0 / clkTck / Math.max(1, r[0]);
        String cpu = pid == null ? "" : String.format(" gateway_cpu_ms_per_handshake=%.2f gateway_cpu_util=%.0f%%"
                + " event_loop_cpu_ms_per_handshake=%.2f jit_cpu_ms_per_handshake=%.2f gc_cpu_ms_per_handshake=%.2f"
                + " other_threads_cpu_ms_per_handshake=%.2f",
                (cpu1 - cpu0) * perHandshake, (cpu1 - cpu0) * 100.0 / clkTck / elapsed,
                (threads1[0] - threads0[0]) * perHandshake, (threads1[1] - threads0[1]) * perHandshake,
                (threads1[2] - threads0[2]) * perHandshake, (threads1[3] - threads0[3]) * perHandshake);
        // closed_before_reply (part of errors) and the arrivals' figures only where they can be non-zero:
        // the other benchmarks' lines stay as they were.
        String shed = closedBeforeReply.get() > 0 || arrivals > 0 ? " closed_before_reply=" + closedBeforeReply.get() : "";
        String offered = arrivals > 0 ? String.format(" arrivals_per_s=%.0f offered=%d not_started_inflight_cap=%d",
                arrivals, r[2], r[3]) : "";
        System.out.printf("proto=%s%s%s handshakes=%d errors=%d%s resumed=%d seconds=%.1f rate_per_s=%.1f%s%n", proto,
                resume != null ? " resume=" + resume : "", offered, r[0], r[1], shed, resumed.get(), elapsed, rate, cpu);
    }

    /**
     * Open arrivals: {@code rate} new connections per second for {@code seconds}, each started on time
     * whatever the earlier ones do (a closed loop slows down with the server and could never offer more
     * than it serves). At most {@code maxInflight} at once; an arrival beyond is not started but counted.
     *
     * @return handshakes, errors, offered (arrivals due), not started (in-flight cap)
     */
    private long[] runArrivals(int seconds, double rate, int maxInflight) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong notStarted = new AtomicLong();
        long[] offered = new long[1];          // touched by the tick only (one executor)
        Semaphore inFlight = new Semaphore(maxInflight);
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch over = new CountDownLatch(1);
        io.netty.util.concurrent.ScheduledFuture<?> tick = group.next().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long due = (long) ((Math.min(now, end) - t0) / 1e9 * rate);
            for (; offered[0] < due; offered[0]++) {
                if (!inFlight.tryAcquire()) {
                    notStarted.incrementAndGet();
                    continue;
                }
                open(null).addListener(f -> {
                    count(f, done, errors, firstErrors);
                    inFlight.release();
                });
            }
            if (now - end >= 0) {
                over.countDown();
            }
        }, 0, 2, TimeUnit.MILLISECONDS);
        over.await();
        tick.cancel(false);
        // The last ones finish (their handshake timeout bounds this).
        inFlight.acquire(maxInflight);
        if (!firstErrors.isEmpty()) {
            System.err.println("first errors: " + firstErrors.stream().limit(3).toList());
        }
        // Read after the tick ended (cancel + the latch it counted down): no race on offered[0].
        return new long[] {done.get(), errors.get(), offered[0], notStarted.get()};
    }

    /** Counts one finished connection and closes it. */
    private void count(io.netty.util.concurrent.Future<? super Channel> f, AtomicLong done, AtomicLong errors,
            ConcurrentLinkedQueue<String> firstErrors) {
        if (f.isSuccess()) {
            done.incrementAndGet();
            Channel ch = (Channel) f.getNow();
            SslHandler handler = ch.pipeline().get(SslHandler.class);
            if (handler != null && handler.engine().getSession() instanceof io.gmtls.tlcp.TlcpSession t && t.resumed()) {
                resumed.incrementAndGet();
            }
            ch.close();
        } else {
            errors.incrementAndGet();
            if (f.cause() instanceof ClosedBeforeReply) {
                closedBeforeReply.incrementAndGet();
            } else if (firstErrors.size() < 3) {
                firstErrors.add(String.valueOf(f.cause()));
            }
        }
    }

    /** Handshakes for {@code seconds}, or until {@code count} (when &gt; 0) were started. */
    private long[] runHandshakes(int seconds, long count, int concurrency) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong started = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch finished = new CountDownLatch(concurrency);
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < concurrency; i++) {
            loop(deadline, count, started, done, errors, finished, firstErrors);
        }
        finished.await();
        if (!firstErrors.isEmpty()) {
            System.err.println("first errors: " + firstErrors.stream().limit(3).toList());
        }
        return new long[] {done.get(), errors.get()};
    }

    private void loop(long deadline, long count, AtomicLong started, AtomicLong done, AtomicLong errors,
            CountDownLatch finished, ConcurrentLinkedQueue<String> firstErrors) {
        if (System.nanoTime() - deadline >= 0 || (count > 0 && started.incrementAndGet() > count)) {
            finished.countDown();
            return;
        }
        open(null).addListener(f -> {
            count(f, done, errors, firstErrors);
            loop(deadline, count, started, done, errors, finished, firstErrors);
        });
    }

    private static long cpuTicks(String pid) throws IOException {
        return userPlusSystem(Files.readString(Path.of("/proc", pid, "stat")));
    }

    /** utime + stime of a process's or thread's {@code stat} line. */
    private static long userPlusSystem(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after "pid (comm) ": state is f[0]; utime = field 14 → f[11], stime = field 15 → f[12]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * CPU ticks of the gateway's threads by what they do, from their names: [0] the Netty event loops
     * ("multiThreadIoEventLoop…": the handshakes and relaying — the figure that least depends on how warm
     * the process is and on what else runs on the machine), [1] the JIT compilers ("C1/C2 CompilerThre…"),
     * [2] the collector and safepoints ("VM Thread", "GC Thread…", "G1 …"), [3] everything else (the access
     * log's writer, timers, the admin server). Threads that ended between two readings are missing from
     * the second: the groups are for explaining the process figure, which alone is exact.
     */
    private static long[] threadTicks(String pid) throws IOException {
        long[] ticks = new long[4];
        try (Stream<Path> tasks = Files.list(Path.of("/proc", pid, "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                long t = userPlusSystem(stat);
                int group = comm.startsWith("multiThreadIoEv") ? 0
                        : comm.contains("CompilerThre") ? 1
                        : comm.equals("VM Thread") || comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? 2 : 3;
                ticks[group] += t;
            }
        }
        return ticks;
    }

    private void throughput() throws Exception {
        int connections = Integer.parseInt(options.getOrDefault("connections", "4"));
        long perConnection = Long.parseLong(options.getOrDefault("megabytes", "256")) * 1024 * 1024 / connections;
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            channels.add(open(null).get(30, TimeUnit.SECONDS));
        }
        CountDownLatch done = new CountDownLatch(connections);
        ByteBuf chunk = Unpooled.unreleasableBuffer(Unpooled.directBuffer(16 * 1024).writeZero(16 * 1024));
        long t0 = System.nanoTime();
        for (Channel ch : channels) {
            ch.pipeline().removeLast();
            ch.pipeline().addLast(new Streamer(perConnection, chunk, done));
        }
        done.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double mb = perConnection * connections / 1048576.0;
        System.out.printf("proto=%s connections=%d megabytes=%.0f seconds=%.2f throughput_MBps=%.1f%n", proto,
                connections, mb, seconds, mb / seconds);
        channels.forEach(Channel::close);
    }

    /** Sends {@code total} bytes as fast as the channel takes them and counts the echo coming back. */
    private static final class Streamer extends ChannelInboundHandlerAdapter {
        private final long total;
        private final ByteBuf chunk;
        private final CountDownLatch done;
        private long sent;
        private long received;

        Streamer(long total, ByteBuf chunk, CountDownLatch done) {
            this.total = total;
            this.chunk = chunk;
            this.done = done;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.executor().execute(() -> pump(ctx));
        }

        private void pump(ChannelHandlerContext ctx) {
            while (sent < total && ctx.channel().isWritable()) {
                int n = (int) Math.min(chunk.capacity(), total - sent);
                ctx.write(chunk.retainedSlice(0, n), ctx.voidPromise());
                sent += n;
            }
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                pump(ctx);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received += ((ByteBuf) msg).readableBytes();
            ((ByteBuf) msg).release();
            if (received >= total) {
                done.countDown();
            }
        }
    }

    private void hold() throws Exception {
        int connections = Integer.parseInt(options.getOrDefault("connections", "1000"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "32"));
        String source = options.get("source");
        Semaphore inFlight = new Semaphore(concurrency);
        List<Channel> held = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            inFlight.acquire();
            open(source == null ? null : new InetSocketAddress(source, 0)).addListener(f -> {
                if (f.isSuccess()) {
                    held.add((Channel) f.getNow());
                } else {
                    errors.incrementAndGet();
                    if (firstErrors.size() < 3) {
                        firstErrors.add(String.valueOf(f.cause()));
                    }
                }
                inFlight.release();
            });
        }
        inFlight.acquire(concurrency);
        long stillOpen = held.stream().filter(Channel::isActive).count();
        System.out.printf("HELD proto=%s connections=%d open=%d errors=%d seconds=%.1f%s%n", proto, held.size(),
                stillOpen, errors.get(), (System.nanoTime() - t0) / 1e9,
                firstErrors.isEmpty() ? "" : " first_errors=" + firstErrors.stream().limit(2).toList());
        System.out.flush();
        // Stay idle until killed; report every minute how many are still open.
        while (true) {
            Thread.sleep(60_000);
            System.out.printf("STILL open=%d of %d%n", held.stream().filter(Channel::isActive).count(), held.size());
            System.out.flush();
        }
    }
}
