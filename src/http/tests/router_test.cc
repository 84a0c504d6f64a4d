// Routing and URL decoding, without sockets.

#include "http/router.h"

#include <gtest/gtest.h>

#include "http/url.h"

namespace careflow::http {
namespace {

HttpRequest request(std::string method, std::string path) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

TEST(Router, MatchesPatternsAndAnswers404And405) {
  Router router;
  router.add("GET", "/items/{id}", [](HttpRequest& r) { return HttpResponse::json(200, {{"id", r.param("id")}}); });
  router.add("DELETE", "/items/{id}", [](HttpRequest&) { return HttpResponse::json(200, {}); });
  HttpRequest get = request("GET", "/items/a b");
  HttpResponse ok = router.dispatch(get);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["id"], "a b");

  HttpRequest post = request("POST", "/items/1");
  HttpResponse not_allowed = router.dispatch(post);
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_EQ(nlohmann::json::parse(not_allowed.body)["error"]["code"], "method_not_allowed");
  ASSERT_EQ(not_allowed.headers.size(), 1u);
  EXPECT_EQ(not_allowed.headers[0].second, "GET, DELETE");

  HttpRequest missing = request("GET", "/nothing/here");
  EXPECT_EQ(router.dispatch(missing).status, 404);
  HttpRequest too_deep = request("GET", "/items/1/2");
  EXPECT_EQ(router.dispatch(too_deep).status, 404);
}

TEST(Router, ShapesErrorsUnderAPrefixByTheLongestMatch) {
  Router router;
  router.set_error_shape("/v1/", [](HttpResponse& r) { r.body = "v1"; });
  router.set_error_shape("/v1/special/", [](HttpResponse& r) { r.body = "special"; });
  HttpResponse error = HttpResponse::error(404, "not_found", "x");
  router.shape_error("/v1/special/a", error);
  EXPECT_EQ(error.body, "special");
  error = HttpResponse::error(404, "not_found", "x");
  router.shape_error("/v1/a", error);
  EXPECT_EQ(error.body, "v1");
  HttpResponse elsewhere = HttpResponse::error(404, "not_found", "x");
  router.shape_error("/v2/a", elsewhere);
  EXPECT_EQ(nlohmann::json::parse(elsewhere.body)["error"]["code"], "not_found");
  HttpResponse fine = HttpResponse::json(200, {{"a", 1}});
  router.shape_error("/v1/a", fine);  // only errors are shaped
  EXPECT_EQ(fine.body, R"({"a":1})");
}

TEST(Url, DecodesPercentEscapesAndQueries) {
  EXPECT_EQ(url_decode("/a%20b%2Fc"), "/a b/c");
  EXPECT_EQ(url_decode("bad%zzescape%2"), "bad%zzescape%2");
  auto q = parse_query("a=1&b=x+y&c=%26&flag");
  EXPECT_EQ(q["a"], "1");
  EXPECT_EQ(q["b"], "x y");
  EXPECT_EQ(q["c"], "&");
  EXPECT_EQ(q.count("flag"), 1u);
}

}  // namespace
}  // namespace careflow::http
