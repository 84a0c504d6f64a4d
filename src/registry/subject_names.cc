#include "registry/subject_names.h"

namespace careflow::registry {

std::string context_of(const std::string& subject) {
  if (subject.rfind(":.", 0) != 0) return kDefaultContext;
  auto end = subject.find(':', 2);
  return end == std::string::npos ? kDefaultContext : subject.substr(1, end - 1);
}

bool is_qualified(const std::string& subject) { return context_of(subject) != kDefaultContext; }

std::string qualify(const std::string& context, const std::string& name) {
  if (context == kDefaultContext || name.rfind(":.", 0) == 0) return name;
  return ":" + context + ":" + name;
}

std::string context_subject(const std::string& context) { return context == kDefaultContext ? "" : ":" + context + ":"; }

std::string normalize_context(const std::string& text) {
  if (text.empty() || text == "." || text == ":.:") return kDefaultContext;
  std::string name = text;
  if (name.size() > 2 && name.front() == ':' && name.back() == ':') name = name.substr(1, name.size() - 2);
  return name.front() == '.' ? name : "." + name;
}

}  // namespace careflow::registry
