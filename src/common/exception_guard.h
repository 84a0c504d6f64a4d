#pragma once
// Background loops (the simulator's ticks, the capture's sessions, the log's fsyncs and
// maintenance) run on threads of their own, where an exception would reach std::terminate and take
// the whole process down. Each loop runs its step through this guard instead: a bug becomes an
// Internal status naming the part, which the loop reports the way it reports any other failure
// (its component failing in /health, an ERROR line) while careflow goes on.

#include <functional>
#include <string_view>

#include "common/status.h"

namespace careflow {

// `step()`, or Internal "<what> failed unexpectedly: <exception text>" when it throws.
Status catch_exceptions(std::string_view what, const std::function<Status()>& step);

}  // namespace careflow
