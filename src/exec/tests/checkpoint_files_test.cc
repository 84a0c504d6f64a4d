// The bytes of checkpoints: values round-trip through the state codec, damaged encodings are
// refused without crashing, state files read back what was written, and a damaged file is
// refused naming the file and the byte; the Flink settings parse as Flink spells them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "exec/checkpoint/checkpoint_files.h"
#include "exec/checkpoint/checkpoint_settings.h"
#include "exec/checkpoint/state_codec.h"

namespace careflow::exec {
namespace {

using values::Value;

std::string temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("careflow-ckpt-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(StateCodec, ValuesRoundTrip) {
  std::vector<Value> in = {Value(), Value::boolean(true), Value::boolean(false), Value::integer(-5),
                           Value::integer(INT64_MIN), Value::integer(INT64_MAX), Value::real(-0.25),
                           Value::decimal(-(static_cast<values::int128>(1) << 100)), Value::string(""),
                           Value::string("héllo"), Value::bytes(std::string("\0\1", 2)),
                           Value::list({Value::integer(1), Value::list({Value::string("x")})}),
                           Value::map({{Value::string("a"), Value::integer(1)}, {Value::string("b"), Value()}})};
  ByteWriter w;
  w.values(in);
  ByteReader r(w.data());
  std::vector<Value> out = r.values();
  EXPECT_TRUE(r.done());
  EXPECT_EQ(out, in);
}

TEST(StateCodec, DamagedBytesAreRefusedNotCrashed) {
  ByteWriter w;
  w.values({Value::string("patient"), Value::list({Value::integer(3), Value::real(1.5)})});
  const std::string good = w.data();
  std::mt19937 rng(42);
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bad = good;
    if (i % 2) bad.resize(rng() % good.size());
    else bad[rng() % bad.size()] = static_cast<char>(rng());
    try {
      ByteReader r(bad);
      (void)r.values();
    } catch (const StateFormatError&) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 900);
  // A count larger than the bytes left is refused before anything is reserved.
  ByteWriter huge;
  huge.varint(uint64_t{1} << 40);
  ByteReader r(huge.data());
  EXPECT_THROW((void)r.values(), StateFormatError);
}

void write_file(const std::string& path, int records) {
  auto w = checkpoint::StateFileWriter::create(path);
  ASSERT_TRUE(w.is_ok());
  for (int i = 0; i < records; ++i) {
    std::string key = "key" + std::to_string(i), value(static_cast<size_t>(100 + i % 50), 'v');
    (*w)->add(static_cast<uint32_t>(i % 3), {StateRecordKind::kPut, 0, key, value});
  }
  (*w)->add(1, {StateRecordKind::kErase, 2, "gone", {}});
  (*w)->add(2, {StateRecordKind::kMisc, 255, {}, "clock"});
  ASSERT_TRUE((*w)->finish().is_ok());
}

TEST(StateFile, ReadsBackWhatWasWritten) {
  const std::string dir = temp_dir("file");
  const std::string path = dir + "/" + checkpoint::state_file_name(7, true);
  write_file(path, 5000);  // several chunks
  int puts = 0, erases = 0, misc = 0;
  Status s = checkpoint::read_state_file(path, [&](uint32_t op, const StateRecord& r) {
    if (r.kind == StateRecordKind::kPut) {
      EXPECT_EQ(r.key, "key" + std::to_string(puts));
      EXPECT_EQ(op, static_cast<uint32_t>(puts % 3));
      ++puts;
    }
    erases += r.kind == StateRecordKind::kErase;
    misc += r.kind == StateRecordKind::kMisc && r.value == "clock";
    return Status::ok();
  });
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_EQ(puts, 5000);
  EXPECT_EQ(erases, 1);
  EXPECT_EQ(misc, 1);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

// Chunks are stored zstd-compressed when that shrinks them and as they are when it does not
// (random bytes); both read back byte for byte.
TEST(StateFile, CompressesWhatShrinksAndKeepsWhatDoesNot) {
  const std::string dir = temp_dir("compress");
  std::mt19937 rng(3);
  for (bool random : {false, true}) {
    const std::string path = dir + "/" + checkpoint::state_file_name(random ? 2 : 1, true);
    std::vector<std::string> values;
    size_t raw = 0;
    auto w = checkpoint::StateFileWriter::create(path);
    ASSERT_TRUE(w.is_ok());
    for (int i = 0; i < 4000; ++i) {
      std::string v(200, 'x');
      for (size_t j = 0; j < v.size(); ++j) v[j] = random ? static_cast<char>(rng()) : static_cast<char>('a' + (i + j) % 7);
      const std::string key = "key" + std::to_string(i);
      (*w)->add(0, {StateRecordKind::kPut, 0, key, v});
      raw += key.size() + v.size();
      values.push_back(std::move(v));
    }
    auto bytes = (*w)->finish();
    ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
    if (random) EXPECT_GT(*bytes, static_cast<int64_t>(raw * 9 / 10));  // the keys shrink a little, the values not
    else EXPECT_LT(*bytes, static_cast<int64_t>(raw / 10));
    size_t i = 0;
    Status s = checkpoint::read_state_file(path, [&](uint32_t, const StateRecord& r) {
      EXPECT_EQ(r.key, "key" + std::to_string(i));
      EXPECT_EQ(r.value, values.at(i));
      ++i;
      return Status::ok();
    });
    ASSERT_TRUE(s.is_ok()) << s.message();
    EXPECT_EQ(i, values.size());
  }
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void write_all(const std::string& path, const std::string& data) { std::ofstream(path, std::ios::binary | std::ios::trunc) << data; }

TEST(StateFile, DamageIsReportedWithFileAndByte) {
  const std::string dir = temp_dir("damage");
  const std::string path = dir + "/" + checkpoint::state_file_name(3, false);
  write_file(path, 3000);
  const std::string good = read_all(path);
  auto count = [&] { return checkpoint::read_state_file(path, [](uint32_t, const StateRecord&) { return Status::ok(); }); };
  // A flipped bit anywhere: refused, naming the file and a byte.
  std::mt19937 rng(7);
  for (int i = 0; i < 50; ++i) {
    std::string bad = good;
    const size_t at = rng() % bad.size();
    bad[at] = static_cast<char>(bad[at] ^ (1 << (rng() % 8)));
    write_all(path, bad);
    Status s = count();
    ASSERT_EQ(s.code(), StatusCode::kCorruption) << "flip at " << at;
    EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("at byte"), std::string::npos) << s.message();
  }
  // Cut short anywhere, even at a chunk boundary: refused.
  for (size_t cut : {size_t{0}, size_t{5}, size_t{8}, good.size() / 2, good.size() - 1}) {
    write_all(path, good.substr(0, cut));
    EXPECT_EQ(count().code(), StatusCode::kCorruption) << "cut at " << cut;
  }
  write_all(path, good);
  EXPECT_TRUE(count().is_ok());
}

TEST(CheckpointMeta, RoundTripsAndRefusesDamage) {
  const std::string dir = temp_dir("meta");
  checkpoint::CheckpointMeta m;
  m.id = 12;
  m.files = {"state-00000000000000000010.base", "state-00000000000000000012.delta"};
  m.file_bytes = {100, 20};
  m.sources = {{1, 40, 50}};
  m.operators = {"GroupAggregate(groupBy=[k], select=[k, COUNT(*)])", "Collect"};
  ASSERT_TRUE(checkpoint::write_meta(dir, m).is_ok());
  const std::string path = dir + "/" + checkpoint::meta_file_name(12);
  auto back = checkpoint::read_meta(path);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->files, m.files);
  EXPECT_EQ(back->sources, m.sources);
  EXPECT_EQ(back->operators, m.operators);
  std::string text = read_all(path);
  text[10] = static_cast<char>(text[10] ^ 1);
  write_all(path, text);
  auto damaged = checkpoint::read_meta(path);
  ASSERT_FALSE(damaged.is_ok());
  EXPECT_EQ(damaged.status().code(), StatusCode::kCorruption);
  EXPECT_NE(damaged.status().message().find(path), std::string::npos);
  EXPECT_EQ(checkpoint::meta_file_id(checkpoint::meta_file_name(12)), 12);
  EXPECT_EQ(checkpoint::meta_file_id("chk-12.meta"), -1);
}

TEST(CheckpointSettings, FlinkKeysAndDurations) {
  auto s = parse_checkpoint_settings({{"execution.checkpointing.interval", "10 s"},
                                      {"state.checkpoints.dir", "file:///tmp/ck"},
                                      {"execution.checkpointing.incremental", "false"},
                                      {"state.checkpoints.num-retained", "3"},
                                      {"execution.savepoint.path", "/tmp/sp/savepoint-x-4"}});
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->interval, std::chrono::seconds(10));
  EXPECT_EQ(s->directory, "/tmp/ck");
  EXPECT_FALSE(s->incremental);
  EXPECT_EQ(s->num_retained, 3);
  EXPECT_EQ(s->restore_from, "/tmp/sp/savepoint-x-4");
  EXPECT_EQ(*parse_flink_duration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(*parse_flink_duration("2 min"), std::chrono::minutes(2));
  EXPECT_EQ(*parse_flink_duration("250"), std::chrono::milliseconds(250));
  EXPECT_FALSE(parse_flink_duration("soon").is_ok());
  EXPECT_FALSE(parse_flink_duration("3 fortnights").is_ok());
  auto no_dir = parse_checkpoint_settings({{"execution.checkpointing.interval", "1 s"}});
  ASSERT_FALSE(no_dir.is_ok());
  EXPECT_NE(no_dir.status().message().find("execution.checkpointing.dir"), std::string::npos);
  EXPECT_FALSE(parse_checkpoint_settings({{"execution.checkpointing.dir", "/x"}, {"execution.checkpointing.mode", "MAYBE"}}).is_ok());
  EXPECT_FALSE(parse_checkpoint_settings({}).value().enabled());
}

}  // namespace
}  // namespace careflow::exec
