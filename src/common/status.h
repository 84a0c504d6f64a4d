#pragma once
// Errors as values: every fallible call returns Status or Result<T>. No exceptions cross a
// module boundary. A Status carries a small closed set of codes plus a message a user can act on
// ("topic 'x' not found", "segment /var/.../0.log: CRC mismatch at byte 4096").

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace careflow {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller passed something malformed (bad name, negative offset, ...)
  kNotFound,           // a named thing does not exist
  kAlreadyExists,      // a named thing exists and must not
  kOutOfRange,         // an index/offset/partition outside the valid range
  kFailedPrecondition, // the system is not in a state that allows the call
  kCorruption,         // stored data failed validation (CRC, format)
  kIOError,            // the operating system refused a read/write/open
  kUnavailable,        // a dependency is down; retrying may help
  kTimeout,            // a deadline passed
  kInternal,           // a bug: an invariant did not hold
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status already_exists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status out_of_range(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
  static Status failed_precondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status io_error(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  // An I/O error with the OS reason appended: "<what>: <strerror(err)>".
  static Status from_errno(std::string what, int err);
  static Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status timeout(std::string m) { return {StatusCode::kTimeout, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NotFound: topic 'x' does not exist"
  std::string to_string() const;

  // Prefix the message with context, keeping the code: "opening topic 'x': <message>".
  Status with_context(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or an error. Access to value() on an error is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).is_ok() && "Result constructed from an OK status");
  }

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return is_ok(); }

  T& value() & { assert(is_ok()); return std::get<T>(data_); }
  const T& value() const& { assert(is_ok()); return std::get<T>(data_); }
  T&& value() && { assert(is_ok()); return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(data_); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace careflow

// Propagate an error: CF_RETURN_IF_ERROR(file.sync());
#define CF_RETURN_IF_ERROR(expr)                     \
  do {                                               \
    ::careflow::Status cf_status_ = (expr);          \
    if (!cf_status_.is_ok()) return cf_status_;      \
  } while (0)

#define CF_CONCAT_INNER(a, b) a##b
#define CF_CONCAT(a, b) CF_CONCAT_INNER(a, b)
// Unwrap a Result or propagate its error: CF_ASSIGN_OR_RETURN(auto fd, open_file(path));
#define CF_ASSIGN_OR_RETURN(lhs, expr) CF_ASSIGN_OR_RETURN_IMPL(CF_CONCAT(cf_result_, __LINE__), lhs, expr)
#define CF_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.is_ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
