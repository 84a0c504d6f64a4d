"""Produce-to-consume latency through one Kafka broker, for bench/kafka_listener/run.

    latency.py BOOTSTRAP TOPIC RATE SECONDS SIZE   -> prints "p50_ms p99_ms max_ms count"

A confluent-kafka producer (acks=all, linger 0) sends RATE records/s of SIZE bytes for SECONDS,
each value starting with its send time; a consumer in another thread, reading the topic from the
beginning, takes the receive time of each. Both sides run the same code against either broker, so
the clients' own costs appear on both sides of the ratio.
"""
import struct
import sys
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, topic, rate, seconds, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
total = int(rate * seconds)
latencies = []
done = threading.Event()


def consume():
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "latency", "enable.auto.commit": False,
                         "fetch.wait.max.ms": 100, "fetch.min.bytes": 1})
    consumer.assign([TopicPartition(topic, 0, 0)])
    deadline = time.time() + seconds + 60
    while len(latencies) < total and time.time() < deadline:
        message = consumer.poll(0.1)  # returns at the first record: consume(n, t) would wait for n
        if message is None:
            continue
        if message.error():
            raise SystemExit(f"consumer: {message.error()}")
        sent_at = struct.unpack(">q", message.value()[:8])[0]
        if sent_at:  # 0: the record that created the topic
            latencies.append(time.perf_counter_ns() - sent_at)
    consumer.close()
    done.set()


producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 0, "enable.idempotence": False})
producer.produce(topic, b"\0" * 8)  # creates the topic before the consumer asks for it
producer.flush(10)
reader = threading.Thread(target=consume)
reader.start()
time.sleep(1)  # the consumer's first fetch is in flight
padding = b"x" * max(size - 8, 0)
tick = 0.01
per_tick = max(rate // 100, 1)
start = time.perf_counter()
sent = 0
while sent < total:
    for _ in range(min(per_tick, total - sent)):
        producer.produce(topic, struct.pack(">q", time.perf_counter_ns()) + padding)
        sent += 1
    producer.poll(0)
    next_tick = start + (sent // per_tick) * tick
    pause = next_tick - time.perf_counter()
    if pause > 0:
        time.sleep(pause)
producer.flush(30)
done.wait(seconds + 90)
measured = sorted(latencies)
if len(measured) < total:
    raise SystemExit(f"latency: {len(measured)} of {total} records came back")
ms = [x / 1e6 for x in measured]
print(f"{ms[len(ms) // 2]:.2f} {ms[int(len(ms) * 0.99)]:.2f} {ms[-1]:.2f} {len(ms)}")
