// The Kafka listener over real loopback sockets on a real embedded log: framing and its limits,
// what happens to malformed, oversized, truncated and unknown requests (that one connection is
// answered or closed; the listener and other connections go on), ordered responses, acks=0,
// the long poll, the idle timeout and the connection cap. Real clients (kcat, confluent-kafka)
// are in tests/interop/kafka_listener.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "broker/kafka_batch.h"
#include "broker/kafka_listener.h"
#include "broker/protocol.h"
#include "broker/wire.h"
#include "log/tests/log_test_util.h"

namespace careflow::broker {
namespace {

using namespace std::chrono_literals;

class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }

  void send_raw(std::string_view bytes) { (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

  // A request with header v1 (or v2 when flexible) around `body`.
  void send(int16_t key, int16_t version, int32_t correlation, std::string_view body, bool flexible = false) {
    Writer w;
    w.i32(0);
    w.i16(key);
    w.i16(version);
    w.i32(correlation);
    w.string("listener-test");
    if (flexible) w.uvarint(0);
    w.raw(body);
    w.patch_i32(0, static_cast<int32_t>(w.size() - 4));
    send_raw(w.buffer());
  }

  // The next response frame (without its size), or nullopt when the connection closed or
  // nothing came within `timeout`; closed() tells which.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = 5000ms) {
    std::string size;
    if (!read(4, size, timeout)) return std::nullopt;
    Reader r(size);
    std::string body;
    if (!read(static_cast<size_t>(r.i32()), body, timeout)) return std::nullopt;
    return body;
  }
  bool closed() const { return closed_; }

 private:
  bool read(size_t n, std::string& out, std::chrono::milliseconds timeout) {
    char buffer[65536];
    while (out.size() < n) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
      const ssize_t got = ::recv(fd_, buffer, std::min(sizeof buffer, n - out.size()), 0);
      if (got <= 0) {
        closed_ = true;
        return false;
      }
      out.append(buffer, static_cast<size_t>(got));
    }
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
};

std::string api_versions_v0_body() { return ""; }

class KafkaListenerTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(KafkaListenerOptions options) {
    listener_.reset();
    log_.reset();
    auto opened = log::EmbeddedLog::open(dir_.str(), {});
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    log_ = std::move(*opened);
    options.port = 0;
    listener_ = std::make_unique<KafkaListener>(options, *log_);
    ASSERT_TRUE(listener_->start().is_ok());
  }

  // The listener still answers a new connection.
  void expect_alive() {
    Client c(listener_->port());
    c.send(api::kApiVersions, 0, 77, api_versions_v0_body());
    auto response = c.receive();
    ASSERT_TRUE(response.has_value());
    Reader r(*response);
    EXPECT_EQ(r.i32(), 77);
    EXPECT_EQ(r.i16(), err::kNone);
  }

  std::string produce_body(const std::string& topic, int16_t acks, std::span<const log::Record> records) {
    Writer w;
    w.nullable_string(std::nullopt);
    w.i16(acks);
    w.i32(1000);
    w.array_length(1);
    w.string(topic);
    w.array_length(1);
    w.i32(0);
    std::string batch;
    encode_kafka_batch(records, batch);
    w.bytes(batch);
    return w.buffer();
  }

  std::string fetch_body(const std::string& topic, int64_t offset, int32_t max_wait_ms) {
    Writer w;
    w.i32(-1);
    w.i32(max_wait_ms);
    w.i32(1);  // min_bytes
    w.i32(1 << 20);
    w.i8(0);
    w.array_length(1);
    w.string(topic);
    w.array_length(1);
    w.i32(0);
    w.i64(offset);
    w.i32(1 << 20);
    return w.buffer();
  }

  // The records of a Fetch v4 response for one partition.
  std::vector<log::Record> fetched_records(const std::string& response) {
    Reader r(response);
    (void)r.i32();  // correlation
    (void)r.i32();  // throttle
    EXPECT_EQ(r.i32(), 1);
    (void)r.string(false);
    EXPECT_EQ(r.i32(), 1);
    (void)r.i32();
    EXPECT_EQ(r.i16(), err::kNone);
    (void)r.i64();
    (void)r.i64();
    (void)r.i32();  // aborted transactions
    auto records = r.nullable_bytes(false);
    EXPECT_TRUE(r.ok()) << r.error();
    bool codec_error = false;
    auto decoded = decode_record_set(records.value_or(""), codec_error);
    return decoded.is_ok() ? *decoded : std::vector<log::Record>{};
  }

  log::testing::TempDir dir_;
  std::unique_ptr<log::EmbeddedLog> log_;
  std::unique_ptr<KafkaListener> listener_;
};

TEST_F(KafkaListenerTest, ApiVersionsV3HandshakeAndTheUnsupportedVersionFallback) {
  Client c(listener_->port());
  Writer body(true);
  body.string("listener-test");
  body.string("1.0");
  body.tagged_fields();
  c.send(api::kApiVersions, 3, 1, body.buffer(), true);
  auto v3 = c.receive();
  ASSERT_TRUE(v3.has_value());
  Reader r(*v3);
  EXPECT_EQ(r.i32(), 1);  // response header v0: no tagged fields, even for v3
  EXPECT_EQ(r.i16(), err::kNone);
  const int32_t count = r.array_length(true);
  EXPECT_EQ(count, static_cast<int32_t>(supported_apis().size()));

  c.send(api::kApiVersions, 99, 2, "garbage that is never read");
  auto fallback = c.receive();
  ASSERT_TRUE(fallback.has_value());
  Reader f(*fallback);
  EXPECT_EQ(f.i32(), 2);
  EXPECT_EQ(f.i16(), err::kUnsupportedVersion);
  EXPECT_EQ(f.array_length(false), static_cast<int32_t>(supported_apis().size()));
}

TEST_F(KafkaListenerTest, UnknownApisAreAnsweredAndTheConnectionStaysOpen) {
  Client c(listener_->port());
  c.send(29, 1, 5, "whatever DescribeAcls carries");  // DescribeAcls: not served
  auto answer = c.receive();
  ASSERT_TRUE(answer.has_value());
  Reader r(*answer);
  EXPECT_EQ(r.i32(), 5);
  EXPECT_EQ(r.i16(), err::kUnsupportedVersion);
  c.send(api::kApiVersions, 0, 6, "");
  auto next = c.receive();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(Reader(*next).i32(), 6);
}

TEST_F(KafkaListenerTest, OversizedNegativeAndTinySizePrefixesCloseOnlyThatConnection) {
  for (std::string prefix : {std::string("\x7f\xff\xff\xff", 4), std::string("\xff\xff\xff\xf0", 4), std::string("\x00\x00\x00\x02", 4)}) {
    Client c(listener_->port());
    c.send_raw(prefix);
    EXPECT_FALSE(c.receive(2000ms).has_value());
    EXPECT_TRUE(c.closed());
    expect_alive();
  }
}

TEST_F(KafkaListenerTest, MalformedRequestsCloseOnlyThatConnection) {
  Client bystander(listener_->port());
  Client c(listener_->port());
  Writer metadata;
  metadata.i32(3);  // three topics ...
  metadata.string("only-one");
  c.send(api::kMetadata, 1, 9, metadata.buffer());
  EXPECT_FALSE(c.receive(2000ms).has_value());
  EXPECT_TRUE(c.closed());
  Client header_only(listener_->port());
  header_only.send_raw(std::string("\x00\x00\x00\x09\x00\x03\x00\x01\x00\x00\x00\x01\xff", 13));  // a cut client_id
  EXPECT_FALSE(header_only.receive(2000ms).has_value());
  EXPECT_TRUE(header_only.closed());
  bystander.send(api::kApiVersions, 0, 10, "");
  ASSERT_TRUE(bystander.receive().has_value());
}

TEST_F(KafkaListenerTest, ATruncatedRequestIsCutOffAfterTheRequestTimeout) {
  KafkaListenerOptions options;
  options.request_timeout = 300ms;
  start(options);
  Client c(listener_->port());
  c.send_raw(std::string("\x00\x00\x00\x64\x00\x12", 6));  // 100 bytes announced, 2 sent
  const auto began = std::chrono::steady_clock::now();
  EXPECT_FALSE(c.receive(5000ms).has_value());
  EXPECT_TRUE(c.closed());
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3000ms);
  expect_alive();
}

TEST_F(KafkaListenerTest, IdleConnectionsAreClosed) {
  KafkaListenerOptions options;
  options.idle_timeout = 200ms;
  start(options);
  Client c(listener_->port());
  EXPECT_FALSE(c.receive(3000ms).has_value());
  EXPECT_TRUE(c.closed());
}

TEST_F(KafkaListenerTest, ProduceThenFetchInOrderAndAcksZeroGetsNoResponse) {
  ASSERT_TRUE(log_->create_topic("orders", {}).is_ok());
  std::vector<log::Record> records(2);
  records[0].key = "k";
  records[0].value = "first";
  records[0].headers = {{"h", "v"}};
  records[0].timestamp_ms = 1000;
  records[0].offset = 0;
  records[1].value = "second";
  records[1].timestamp_ms = 2000;
  records[1].offset = 1;
  Client c(listener_->port());
  c.send(api::kProduce, 3, 1, produce_body("orders", 0, records));  // acks=0: no answer
  c.send(api::kProduce, 3, 2, produce_body("orders", 1, records));
  c.send(api::kFetch, 4, 3, fetch_body("orders", 0, 0));
  auto produced = c.receive();
  ASSERT_TRUE(produced.has_value());
  Reader p(*produced);
  EXPECT_EQ(p.i32(), 2);  // the acks=0 request had no response: the next one is first
  EXPECT_EQ(p.i32(), 1);
  (void)p.string(false);
  EXPECT_EQ(p.i32(), 1);
  EXPECT_EQ(p.i32(), 0);
  EXPECT_EQ(p.i16(), err::kNone);
  EXPECT_EQ(p.i64(), 2);  // base offset: after the acks=0 pair
  auto fetched = c.receive();
  ASSERT_TRUE(fetched.has_value());
  auto got = fetched_records(*fetched);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].key, "k");
  EXPECT_EQ(got[0].headers, records[0].headers);
  EXPECT_EQ(got[3].value, "second");
  EXPECT_EQ(got[3].timestamp_ms, 2000);
  EXPECT_EQ(got[3].offset, 3);
}

// Fetch v10 (the first that may carry zstd) for one partition from `offset`.
std::string fetch_v10_body(const std::string& topic, int64_t offset) {
  Writer w;
  w.i32(-1);
  w.i32(0);  // max_wait_ms
  w.i32(1);  // min_bytes
  w.i32(1 << 20);
  w.i8(0);
  w.i32(0);   // session_id
  w.i32(-1);  // session_epoch
  w.array_length(1);
  w.string(topic);
  w.array_length(1);
  w.i32(0);
  w.i32(-1);  // current_leader_epoch
  w.i64(offset);
  w.i64(-1);  // log_start_offset
  w.i32(1 << 20);
  w.array_length(0);  // forgotten topics
  return w.buffer();
}

// The record set of a Fetch v10 response's only partition.
std::string fetch_v10_record_set(const std::string& response) {
  Reader r(response);
  (void)r.i32();  // correlation
  (void)r.i32();  // throttle
  EXPECT_EQ(r.i16(), err::kNone);
  (void)r.i32();  // session
  EXPECT_EQ(r.i32(), 1);
  (void)r.string(false);
  EXPECT_EQ(r.i32(), 1);
  (void)r.i32();
  EXPECT_EQ(r.i16(), err::kNone);
  (void)r.i64();  // high watermark
  (void)r.i64();  // last stable offset
  (void)r.i64();  // log start offset
  (void)r.i32();  // aborted transactions
  auto records = r.nullable_bytes(false);
  EXPECT_TRUE(r.ok()) << r.error();
  return std::string(records.value_or(""));
}

// The codec bits of each batch of a record set.
std::vector<int> batch_codecs(std::string_view set) {
  std::vector<int> codecs;
  while (set.size() >= kKafkaBatchHeaderSize) {
    Reader r(set);
    (void)r.i64();
    const int32_t length = r.i32();
    Reader attributes(set.substr(21, 2));
    codecs.push_back(attributes.i16() & 0x7);
    set.remove_prefix(12 + static_cast<size_t>(length));
  }
  return codecs;
}

// A zstd-stored batch goes out compressed as it is stored, whole (from its base offset, as Kafka
// answers a fetch into the middle of a batch), with a CRC the client's decoder accepts; a Fetch
// below v10 gets the same records decoded and sent plain, from the offset asked for.
TEST_F(KafkaListenerTest, FetchServesStoredBatchesAsTheyAreAndPlainBelowVersion10) {
  ASSERT_TRUE(log_->create_topic("readings", {}).is_ok());  // zstd by default
  std::vector<log::Record> compressible(100), small(3);
  for (size_t i = 0; i < compressible.size(); ++i) {
    compressible[i].key = fmt::format("device-{}", i % 5);
    compressible[i].value = fmt::format("{{\"metric\":\"Pressure\",\"value\":{},\"unit\":\"mmHg\"}}", 120 + i % 7);
    compressible[i].headers = {{"source", "simulator"}};
    compressible[i].timestamp_ms = 1'000'000 + static_cast<int64_t>(i) * 10;
  }
  for (size_t i = 0; i < small.size(); ++i) {
    small[i].value = fmt::format("small-{}", i);
    small[i].timestamp_ms = 2'000'000 + static_cast<int64_t>(i);
  }
  ASSERT_TRUE(log_->append({"readings", 0}, compressible).is_ok());
  ASSERT_TRUE(log_->append({"readings", 0}, small).is_ok());

  Client c(listener_->port());
  c.send(api::kFetch, 10, 1, fetch_v10_body("readings", 50));
  auto response = c.receive();
  ASSERT_TRUE(response.has_value());
  const std::string set = fetch_v10_record_set(*response);
  EXPECT_EQ(batch_codecs(set), (std::vector<int>{4, 0}));  // zstd as stored; the small batch plain
  bool codec_error = false;
  auto decoded = decode_record_set(set, codec_error);  // checks each batch's CRC and inflates
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  ASSERT_EQ(decoded->size(), 103u);
  for (size_t i = 0; i < 103; ++i) {
    const log::Record& want = i < 100 ? compressible[i] : small[i - 100];
    EXPECT_EQ((*decoded)[i].offset, static_cast<int64_t>(i));
    EXPECT_EQ((*decoded)[i].key, want.key);
    EXPECT_EQ((*decoded)[i].value, want.value);
    EXPECT_EQ((*decoded)[i].headers, want.headers);
    EXPECT_EQ((*decoded)[i].timestamp_ms, want.timestamp_ms);
  }

  c.send(api::kFetch, 4, 2, fetch_body("readings", 50, 0));
  auto old = c.receive();
  ASSERT_TRUE(old.has_value());
  auto plain = fetched_records(*old);
  ASSERT_EQ(plain.size(), 53u);
  EXPECT_EQ(plain.front().offset, 50);
  EXPECT_EQ(plain.front().value, compressible[50].value);
  EXPECT_EQ(plain.back().value, "small-2");
}

TEST_F(KafkaListenerTest, ACorruptBatchIsRefusedWithCorruptMessageAndNothingIsAppended) {
  ASSERT_TRUE(log_->create_topic("orders", {}).is_ok());
  std::vector<log::Record> records(1);
  records[0].value = "x";
  records[0].offset = 0;
  std::string body = produce_body("orders", 1, records);
  body.back() ^= 0x40;  // inside the record: the CRC no longer matches
  Client c(listener_->port());
  c.send(api::kProduce, 3, 1, body);
  auto answer = c.receive();
  ASSERT_TRUE(answer.has_value());
  Reader r(*answer);
  (void)r.i32();
  (void)r.i32();
  (void)r.string(false);
  (void)r.i32();
  (void)r.i32();
  EXPECT_EQ(r.i16(), err::kCorruptMessage);
  EXPECT_EQ(log_->partition_offsets("orders")->at(0).end_offset, 0);
}

TEST_F(KafkaListenerTest, FetchLongPollsUntilARecordArrives) {
  ASSERT_TRUE(log_->create_topic("orders", {}).is_ok());
  Client c(listener_->port());
  const auto began = std::chrono::steady_clock::now();
  c.send(api::kFetch, 4, 1, fetch_body("orders", 0, 10'000));
  std::thread producer([&] {
    std::this_thread::sleep_for(300ms);
    log::Record r;
    r.value = "late";
    (void)log_->append({"orders", 0}, std::span(&r, 1));
  });
  auto fetched = c.receive(8000ms);
  producer.join();
  ASSERT_TRUE(fetched.has_value());
  const auto waited = std::chrono::steady_clock::now() - began;
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 5000ms);
  auto got = fetched_records(*fetched);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].value, "late");
}

TEST_F(KafkaListenerTest, AtTheConnectionCapNewConnectionsWait) {
  KafkaListenerOptions options;
  options.max_connections = 1;
  start(options);
  auto first = std::make_unique<Client>(listener_->port());
  first->send(api::kApiVersions, 0, 1, "");
  ASSERT_TRUE(first->receive().has_value());
  Client second(listener_->port());  // sits in the kernel's backlog
  second.send(api::kApiVersions, 0, 2, "");
  EXPECT_FALSE(second.receive(500ms).has_value());
  EXPECT_FALSE(second.closed());
  first.reset();
  EXPECT_TRUE(second.receive(5000ms).has_value());
}

TEST_F(KafkaListenerTest, NonLoopbackAddressesAreRefusedWithoutAuthentication) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  KafkaListenerOptions options;
  options.host = "0.0.0.0";
  KafkaListener open(options, *log_);
  Status started = open.start();
  ASSERT_FALSE(started.is_ok());
  EXPECT_NE(started.message().find("kafka_listener.sasl_username"), std::string::npos) << started.message();
  options.sasl_username = "alice";
  KafkaListener no_password(options, *log_);
  started = no_password.start();
  ASSERT_FALSE(started.is_ok());
  EXPECT_NE(started.message().find("kafka_listener.sasl_password is empty"), std::string::npos) << started.message();
  options.sasl_password = "s3cret";
  options.port = 0;
  KafkaListener authenticated(options, *log_);
  EXPECT_TRUE(authenticated.start().is_ok());  // with SASL credentials, any address
}

// A SaslHandshake v1 body naming `mechanism`; the mechanisms the answer lists.
std::string sasl_handshake_body(std::string_view mechanism) {
  Writer w;
  w.string(mechanism);
  return w.buffer();
}

struct HandshakeAnswer {
  int16_t error = -1;
  std::vector<std::string> mechanisms;
};

HandshakeAnswer read_handshake(const std::string& response) {
  Reader r(response);
  (void)r.i32();  // correlation
  HandshakeAnswer answer;
  answer.error = r.i16();
  for (int32_t n = r.array_length(false); n > 0; --n) answer.mechanisms.push_back(r.string(false));
  EXPECT_TRUE(r.ok()) << r.error();
  return answer;
}

// A SaslAuthenticate v2 (flexible) request carrying the PLAIN token; the answer's error code.
int16_t authenticate(Client& c, std::string_view token, std::optional<std::string>* message = nullptr) {
  Writer body(true);
  body.bytes(token);
  body.tagged_fields();
  c.send(api::kSaslAuthenticate, 2, 31, body.buffer(), true);
  auto response = c.receive();
  if (!response) return -1;
  Reader r(*response);
  EXPECT_EQ(r.i32(), 31);
  r.tagged_fields(true);  // response header v1
  const int16_t error = r.i16();
  auto text = r.nullable_string(true);
  (void)r.nullable_bytes(true);
  (void)r.i64();  // session_lifetime_ms
  EXPECT_TRUE(r.ok()) << r.error();
  if (message) *message = text;
  return error;
}

std::string plain_token(std::string_view authzid, std::string_view user, std::string_view password) {
  return fmt::format("{}{}{}{}{}", authzid, '\0', user, '\0', password);
}

class SaslListenerTest : public KafkaListenerTest {
 protected:
  void SetUp() override {
    KafkaListenerOptions options;
    options.sasl_username = "alice";
    options.sasl_password = "s3cret";
    start(options);
  }

  // A metadata v1 request for every topic; true when it was answered.
  bool metadata_answered(Client& c) {
    Writer w;
    w.i32(-1);
    c.send(api::kMetadata, 1, 40, w.buffer());
    return c.receive(2000ms).has_value();
  }
};

TEST_F(SaslListenerTest, PlainWithTheConfiguredCredentialsOpensEveryApi) {
  Client c(listener_->port());
  c.send(api::kApiVersions, 0, 1, "");  // allowed before authentication
  ASSERT_TRUE(c.receive().has_value());
  c.send(api::kSaslHandshake, 1, 2, sasl_handshake_body("PLAIN"));
  auto handshake = c.receive();
  ASSERT_TRUE(handshake.has_value());
  HandshakeAnswer answer = read_handshake(*handshake);
  EXPECT_EQ(answer.error, err::kNone);
  EXPECT_EQ(answer.mechanisms, std::vector<std::string>{"PLAIN"});
  std::optional<std::string> message;
  EXPECT_EQ(authenticate(c, plain_token("", "alice", "s3cret"), &message), err::kNone);
  EXPECT_FALSE(message.has_value());
  EXPECT_TRUE(metadata_answered(c));
  EXPECT_FALSE(c.closed());
}

TEST_F(SaslListenerTest, ARequestBeforeAuthenticationClosesTheConnection) {
  Client c(listener_->port());
  EXPECT_FALSE(metadata_answered(c));
  EXPECT_TRUE(c.closed());
  Client handshaken(listener_->port());  // a handshake alone is not authentication
  handshaken.send(api::kSaslHandshake, 1, 2, sasl_handshake_body("PLAIN"));
  ASSERT_TRUE(handshaken.receive().has_value());
  EXPECT_FALSE(metadata_answered(handshaken));
  EXPECT_TRUE(handshaken.closed());
  expect_alive();
}

TEST_F(SaslListenerTest, WrongCredentialsAreAnsweredThenTheConnectionCloses) {
  for (const std::string& token : {plain_token("", "alice", "wrong"), plain_token("", "bob", "s3cret"),
                                   plain_token("", "alice", "s3cret\n"), plain_token("mallory", "alice", "s3cret"),
                                   std::string("alice s3cret"), std::string()}) {
    Client c(listener_->port());
    c.send(api::kSaslHandshake, 1, 2, sasl_handshake_body("PLAIN"));
    ASSERT_TRUE(c.receive().has_value());
    std::optional<std::string> message;
    EXPECT_EQ(authenticate(c, token, &message), err::kSaslAuthenticationFailed);
    EXPECT_EQ(message.value_or(""), "Authentication failed: Invalid username or password");
    EXPECT_FALSE(c.receive(2000ms).has_value());
    EXPECT_TRUE(c.closed());
  }
  expect_alive();
}

TEST_F(SaslListenerTest, OnlyPlainIsOfferedAndAuthenticateNeedsTheHandshakeFirst) {
  Client c(listener_->port());
  c.send(api::kSaslHandshake, 1, 2, sasl_handshake_body("SCRAM-SHA-256"));
  auto refused = c.receive();
  ASSERT_TRUE(refused.has_value());
  HandshakeAnswer answer = read_handshake(*refused);
  EXPECT_EQ(answer.error, err::kUnsupportedSaslMechanism);
  EXPECT_EQ(answer.mechanisms, std::vector<std::string>{"PLAIN"});
  Client early(listener_->port());
  EXPECT_EQ(authenticate(early, plain_token("", "alice", "s3cret")), err::kIllegalSaslState);
  EXPECT_FALSE(early.receive(2000ms).has_value());
  EXPECT_TRUE(early.closed());
}

TEST_F(SaslListenerTest, AfterAVersionZeroHandshakeTheTokenIsABareFrame) {
  Client c(listener_->port());
  c.send(api::kSaslHandshake, 0, 2, sasl_handshake_body("PLAIN"));
  auto handshake = c.receive();
  ASSERT_TRUE(handshake.has_value());
  EXPECT_EQ(read_handshake(*handshake).error, err::kNone);
  const std::string token = plain_token("", "alice", "s3cret");
  Writer frame;
  frame.i32(static_cast<int32_t>(token.size()));
  frame.raw(token);
  c.send_raw(frame.buffer());
  auto empty = c.receive();
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());  // a zero-length server token
  EXPECT_TRUE(metadata_answered(c));

  Client wrong(listener_->port());
  wrong.send(api::kSaslHandshake, 0, 2, sasl_handshake_body("PLAIN"));
  ASSERT_TRUE(wrong.receive().has_value());
  const std::string bad = plain_token("", "alice", "nope");
  Writer bad_frame;
  bad_frame.i32(static_cast<int32_t>(bad.size()));
  bad_frame.raw(bad);
  wrong.send_raw(bad_frame.buffer());
  EXPECT_FALSE(wrong.receive(2000ms).has_value());
  EXPECT_TRUE(wrong.closed());
}

TEST_F(KafkaListenerTest, ASaslHandshakeOnAListenerWithoutCredentialsIsAnIllegalState) {
  Client c(listener_->port());
  c.send(api::kSaslHandshake, 1, 2, sasl_handshake_body("PLAIN"));
  auto response = c.receive();
  ASSERT_TRUE(response.has_value());
  HandshakeAnswer answer = read_handshake(*response);
  EXPECT_EQ(answer.error, err::kIllegalSaslState);
  EXPECT_TRUE(answer.mechanisms.empty());
}

}  // namespace
}  // namespace careflow::broker
