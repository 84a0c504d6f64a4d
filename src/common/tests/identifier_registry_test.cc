#include "common/identifier_registry.h"

#include <gtest/gtest.h>

namespace careflow {
namespace {

struct Shape {
  std::string identifier;
  int corners = 0;
};

IdentifierRegistry<Shape>& shapes() {
  static IdentifierRegistry<Shape> registry;
  return registry;
}

// Joined at static initialization, as connectors and formats join theirs from their own files.
CF_JOIN_REGISTRY(shapes(), Shape{"triangle", 3});
CF_JOIN_REGISTRY(shapes(), Shape{"circle", 0});
CF_JOIN_REGISTRY(shapes(), Shape{"square", 4});

TEST(IdentifierRegistry, FindsWhatJoinedByIdentifierAndNothingElse) {
  ASSERT_NE(shapes().find("square"), nullptr);
  EXPECT_EQ(shapes().find("square")->corners, 4);
  EXPECT_EQ(shapes().find("Square"), nullptr);  // identifiers are exact, as Flink's factories are
  EXPECT_EQ(shapes().find("hexagon"), nullptr);
  const Shape* round = shapes().find_if([](const Shape& s) { return s.corners == 0; });
  ASSERT_NE(round, nullptr);
  EXPECT_EQ(round->identifier, "circle");
}

TEST(IdentifierRegistry, KnownListsTheIdentifiersSortedAndQuotedForMessages) {
  EXPECT_EQ(shapes().known(), "'circle', 'square' and 'triangle'");
  EXPECT_EQ(shapes().known([](const Shape& s) { return s.corners > 0; }), "'square' and 'triangle'");
  EXPECT_EQ(quoted_names({"only"}), "'only'");
  EXPECT_EQ(quoted_names({}), "");
}

}  // namespace
}  // namespace careflow
