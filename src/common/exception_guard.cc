#include "common/exception_guard.h"

#include <fmt/format.h>

#include <exception>

namespace careflow {

Status catch_exceptions(std::string_view what, const std::function<Status()>& step) {
  try {
    return step();
  } catch (const std::exception& e) {
    return Status::internal(fmt::format("{} failed unexpectedly: {}", what, e.what()));
  } catch (...) {
    return Status::internal(fmt::format("{} failed unexpectedly: an exception that is not a std::exception", what));
  }
}

}  // namespace careflow
