// SigV4 against AWS's published examples: the Signature Version 4 test suite (get-vanilla,
// get-vanilla-query-order-key-case, get-utf8, post-vanilla: service "service", AKIDEXAMPLE at
// 20150830T123600Z) and the S3 API reference's "Signature Calculations for the Authorization
// Header" examples (GET Object with a Range, PUT Object with a body, GET Bucket lifecycle, list
// objects: examplebucket at 20130524T000000Z). A wrong byte anywhere in the canonical request,
// the key derivation or the final HMAC changes the signature.

#include <gtest/gtest.h>

#include "lake/sigv4.h"

namespace careflow::lake::s3 {
namespace {

const std::string kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Signature suite(const std::string& method, const std::string& uri, std::vector<std::pair<std::string, std::string>> query) {
  SigningRequest r{method, uri, std::move(query), {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, kEmpty};
  return sign_v4(r, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""}, "us-east-1", "service", "20150830T123600Z");
}

const Credentials kS3Example{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};

TEST(SigV4, GetVanilla) {
  const Signature s = suite("GET", "/", {});
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + kEmpty);
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, QueryParametersAreSortedByName) {
  EXPECT_EQ(suite("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}).signature,
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4, Utf8Path) {
  EXPECT_EQ(uri_encode("/\xe1\x88\xb4", true), "/%E1%88%B4");
  EXPECT_EQ(suite("GET", uri_encode("/\xe1\x88\xb4", true), {}).signature,
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(SigV4, S3GetObjectWithRange) {
  SigningRequest r{"GET", "/test.txt", {},
                   {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}, {"x-amz-content-sha256", kEmpty},
                    {"x-amz-date", "20130524T000000Z"}},
                   kEmpty};
  const Signature s = sign_v4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, S3PutObjectWithBodyAndEscapedKey) {
  const std::string body_hash = sha256_hex("Welcome to Amazon S3.");
  EXPECT_EQ(body_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigningRequest r{"PUT", uri_encode("/test$file.text", true), {},
                   {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"Host", "examplebucket.s3.amazonaws.com"},
                    {"x-amz-content-sha256", body_hash}, {"x-amz-date", "20130524T000000Z"},
                    {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                   body_hash};
  EXPECT_EQ(r.canonical_uri, "/test%24file.text");
  const Signature s = sign_v4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(s.signed_headers, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, S3GetBucketLifecycleAndListObjects) {
  const std::vector<std::pair<std::string, std::string>> headers{
      {"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-content-sha256", kEmpty}, {"x-amz-date", "20130524T000000Z"}};
  SigningRequest lifecycle{"GET", "/", {{"lifecycle", ""}}, headers, kEmpty};
  EXPECT_EQ(sign_v4(lifecycle, kS3Example, "us-east-1", "s3", "20130524T000000Z").signature,
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  SigningRequest list{"GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, headers, kEmpty};
  EXPECT_EQ(sign_v4(list, kS3Example, "us-east-1", "s3", "20130524T000000Z").signature,
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, HeaderValuesTrimmedAndNamesLowered) {
  SigningRequest r{"GET", "/", {}, {{"My-Header1", "  value1   with  spaces "}, {"Host", "h"}}, kEmpty};
  const Signature s = sign_v4(r, kS3Example, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_NE(s.canonical_request.find("my-header1:value1 with spaces\n"), std::string::npos) << s.canonical_request;
  EXPECT_EQ(s.signed_headers, "host;my-header1");
}

TEST(SigV4, Encoding) {
  EXPECT_EQ(uri_encode("a b*(c)~-_./", false), "a%20b%2A%28c%29~-_.%2F");
  EXPECT_EQ(uri_encode("data/ts_day=2024-05-03/x.parquet", true), "data/ts_day%3D2024-05-03/x.parquet");
  EXPECT_EQ(amz_date(1369353600), "20130524T000000Z");
}

}  // namespace
}  // namespace careflow::lake::s3
