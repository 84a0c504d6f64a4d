# Sourced by tests/interop/kafka/run and bench/kafka/run: start_kafka starts a real Apache Kafka
# broker (KRaft, broker + controller in one JVM, the jars from Maven Central via pom.xml) on free
# local ports and sets
#   bootstrap      its host:port
#   kafka_work     a scratch directory, removed with the broker when the sourcing shell exits
#   kafka_version  the broker's version
#   sasl_bootstrap a second listener, SASL_SSL with PLAIN as Confluent Cloud's, at localhost:port:
#                  its certificate names localhost and 127.0.0.1 and is signed by the test CA
#                  $kafka_work/ca.pem; the one user is $sasl_user / $sasl_password
# Needs Java 17, Maven, kcat and curl (installed from Debian when missing and running as root).

start_kafka() {
    local kafka_dir
    kafka_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

    # Java 17, Maven and kcat: on the machines careflow targets they are there; elsewhere, as root, Debian's.
    if ! command -v mvn >/dev/null || ! command -v java >/dev/null || ! command -v kcat >/dev/null || ! command -v curl >/dev/null; then
        if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                openjdk-17-jdk-headless maven kcat curl >/dev/null
        else
            echo "kafka: needs Java 17, Maven (mvn), kcat and curl" >&2
            exit 2
        fi
    fi
    # The broker's classpath (offline first: after the first run every jar is in ~/.m2).
    mkdir -p "$kafka_dir/target"
    if [[ ! -f "$kafka_dir/target/classpath.txt" || "$kafka_dir/pom.xml" -nt "$kafka_dir/target/classpath.txt" ]]; then
        if ! mvn -q -B -o -f "$kafka_dir/pom.xml" package >"$kafka_dir/target/build.log" 2>&1; then
            mvn -q -B -f "$kafka_dir/pom.xml" package >"$kafka_dir/target/build.log" 2>&1 || {
                cat "$kafka_dir/target/build.log" >&2
                echo "kafka: resolving the Kafka broker from Maven Central failed" >&2
                exit 2
            }
        fi
    fi
    classpath="$(cat "$kafka_dir/target/classpath.txt")"

    kafka_work="$(mktemp -d /tmp/careflow-kafka.XXXXXX)"
    kafka_pid=""
    stop_kafka() {
        if [[ -n "$kafka_pid" ]]; then kill "$kafka_pid" 2>/dev/null || true; wait "$kafka_pid" 2>/dev/null || true; fi
        rm -rf "$kafka_work"
    }
    trap stop_kafka EXIT

    free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
    port="$(free_port)"
    controller_port="$(free_port)"
    sasl_port="$(free_port)"
    sasl_user=careflow-key
    sasl_password=careflow-secret
    # A CA of this run only, and the broker's certificate signed by it (PEM: Kafka reads the key as
    # PKCS#8, which OpenSSL 3 writes by default).
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=careflow test CA" \
        -keyout "$kafka_work/ca.key" -out "$kafka_work/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$kafka_work/broker.key" -out "$kafka_work/broker.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$kafka_work/broker.ext"
    openssl x509 -req -days 2 -in "$kafka_work/broker.csr" -CA "$kafka_work/ca.pem" -CAkey "$kafka_work/ca.key" \
        -CAcreateserial -extfile "$kafka_work/broker.ext" -out "$kafka_work/broker.crt" 2>/dev/null
    cat "$kafka_work/broker.key" "$kafka_work/broker.crt" >"$kafka_work/broker.pem"
    cat >"$kafka_work/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,SASL_SSL://127.0.0.1:$sasl_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,SASL_SSL://localhost:$sasl_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$sasl_user="$sasl_password";
ssl.keystore.type=PEM
ssl.keystore.location=$kafka_work/broker.pem
inter.broker.listener.name=PLAINTEXT
log.dirs=$kafka_work/kafka-data
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
    # Quick to start by default; the benchmark passes KAFKA_JAVA_OPTS for a broker at full speed.
    local -a java_opts
    read -r -a java_opts <<<"${KAFKA_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
    java_opts+=(-Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
    cluster_id="$(java "${java_opts[@]}" -cp "$classpath" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    java "${java_opts[@]}" -cp "$classpath" kafka.tools.StorageTool format -t "$cluster_id" -c "$kafka_work/server.properties" \
        >"$kafka_work/format.log" 2>&1 || { cat "$kafka_work/format.log" >&2; echo "kafka: formatting the Kafka storage failed" >&2; exit 2; }
    java "${java_opts[@]}" -cp "$classpath" kafka.Kafka "$kafka_work/server.properties" >"$kafka_work/broker.log" 2>&1 &
    kafka_pid=$!
    bootstrap="127.0.0.1:$port"
    sasl_bootstrap="localhost:$sasl_port"
    for ((i = 0; i < 120; i++)); do
        kcat -L -b "$bootstrap" -m 2 >/dev/null 2>&1 && break
        kill -0 "$kafka_pid" 2>/dev/null || { cat "$kafka_work/broker.log" >&2; echo "kafka: the Kafka broker exited" >&2; exit 2; }
        sleep 1
    done
    kcat -L -b "$bootstrap" -m 2 >/dev/null 2>&1 || { tail -50 "$kafka_work/broker.log" >&2; echo "kafka: Kafka did not start in 120 s" >&2; exit 2; }
    kafka_version="$(basename "$(dirname "$(tr ':' '\n' <"$kafka_dir/target/classpath.txt" | grep '/kafka_2.13/')")")"
    echo "Apache Kafka $kafka_version up at $bootstrap" >&2
}
