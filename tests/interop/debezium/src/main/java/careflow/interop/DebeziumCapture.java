package careflow.interop;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;

import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the real Debezium PostgreSQL connector in Debezium's embedded engine and writes every
 * change event it emits as one line: topic TAB key-json TAB value-json ("null" for a tombstone).
 *
 * Usage: DebeziumCapture OUTPUT_FILE [--timestamps] key=value... (connector properties, e.g. database.port=5433)
 * With --timestamps each line ends with TAB and the wall-clock microseconds the event arrived (benchmarks).
 * Stops when a line "stop" arrives on standard input, or after --idle-ms without events once
 * --min-events events arrived.
 */
public final class DebeziumCapture {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DebeziumCapture OUTPUT_FILE [--min-events N] [--idle-ms N] key=value...");
            System.exit(2);
        }
        Properties props = new Properties();
        props.setProperty("name", "careflow-interop");
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        props.setProperty("offset.flush.interval.ms", "1000");
        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("topic.prefix", "healthcare");
        props.setProperty("converter.schemas.enable", "true");
        long minEvents = 0;
        long idleMs = 5000;
        boolean timestamps = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--min-events")) { minEvents = Long.parseLong(args[++i]); continue; }
            if (a.equals("--idle-ms")) { idleMs = Long.parseLong(args[++i]); continue; }
            if (a.equals("--timestamps")) { timestamps = true; continue; }
            int eq = a.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("expected key=value, got " + a);
            props.setProperty(a.substring(0, eq), a.substring(eq + 1));
        }
        AtomicLong count = new AtomicLong();
        AtomicLong lastEventNanos = new AtomicLong(System.nanoTime());
        AtomicLong firstEventNanos = new AtomicLong(0);
        AtomicLong lastFlushNanos = new AtomicLong(0);
        final boolean withTimestamps = timestamps;
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(args[0]), StandardCharsets.UTF_8));
        DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class)
                .using(props)
                .notifying(event -> {
                    synchronized (out) {
                        out.print(event.destination());
                        out.print('\t');
                        out.print(event.key() == null ? "null" : event.key());
                        out.print('\t');
                        out.print(event.value() == null ? "null" : event.value());
                        if (withTimestamps) {
                            java.time.Instant now = java.time.Instant.now();
                            out.print('\t');
                            out.print(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000);
                        }
                        out.println();
                        // With timestamps (benchmarks), flush at most every 100 ms: per event would slow the peer.
                        long now = System.nanoTime();
                        if (!withTimestamps || now - lastFlushNanos.get() > 100_000_000L) {
                            out.flush();
                            lastFlushNanos.set(now);
                        }
                    }
                    firstEventNanos.compareAndSet(0, System.nanoTime());
                    count.incrementAndGet();
                    lastEventNanos.set(System.nanoTime());
                })
                .using((success, message, error) -> {
                    if (!success) {
                        System.err.println("debezium: " + message);
                        if (error != null) error.printStackTrace();
                    }
                })
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.execute(engine);
        System.out.println("started");
        System.out.flush();
        while (true) {
            Thread.sleep(100);
            long idle = (System.nanoTime() - lastEventNanos.get()) / 1_000_000;
            if (count.get() >= minEvents && minEvents > 0 && idle >= idleMs) break;
            if (System.in.available() > 0) {
                byte[] buf = new byte[256];
                int n = System.in.read(buf);
                if (n > 0 && new String(buf, 0, n, StandardCharsets.UTF_8).contains("stop")) break;
            }
        }
        long spanMs = firstEventNanos.get() == 0 ? 0 : (lastEventNanos.get() - firstEventNanos.get()) / 1_000_000;
        System.out.println("events " + count.get() + " span_ms " + spanMs);
        System.out.flush();
        engine.close();
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
        out.close();
        System.exit(0);
    }
}
