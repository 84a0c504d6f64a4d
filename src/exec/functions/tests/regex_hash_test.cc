// Regular expression functions, STR_TO_MAP and the hash functions; examples from
// https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#string-functions

#include "exec/functions/tests/test_util.h"

namespace careflow::exec::fn::testing {
namespace {

TEST(RegexFunctions, Regexp) {
  EXPECT_EQ(text("REGEXP", {S("foothebar"), S("the")}), "TRUE");
  EXPECT_EQ(text("REGEXP", {S("foothebar"), S("^the")}), "FALSE");
  EXPECT_EQ(text("REGEXP", {S("foo"), S("")}), "FALSE");
  EXPECT_EQ(text("REGEXP", {S("foo"), S("(")}), "FALSE");  // invalid pattern
  EXPECT_EQ(text("REGEXP", {Col(S("größe")), Col(S("^gr.ße$"))}), "TRUE");  // . is one code point
  EXPECT_EQ(text("REGEXP", {Null(DataType::string()), S("a")}), "NULL");
  EXPECT_EQ(result_type("REGEXP", {S("a"), S("a")}), "BOOLEAN NOT NULL");
}

TEST(RegexFunctions, RegexpExtract) {
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("foo(.*?)(bar)"), I(2)}), "bar");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("foo(.*?)(bar)"), I(1)}), "the");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("foo(.*?)(bar)")}), "foothebar");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("foo(.*?)(bar)"), I(3)}), "NULL");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("xyz")}), "NULL");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("a1b22"), S("[0-9]+")}), "1");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("abc"), S("[")}), "NULL");
}

TEST(RegexFunctions, RegexpReplace) {
  EXPECT_EQ(text("REGEXP_REPLACE", {S("foobar"), S("oo|ar"), S("")}), "fb");
  EXPECT_EQ(text("REGEXP_REPLACE", {S("a1b22c"), S("[0-9]+"), S("#")}), "a#b#c");
  EXPECT_EQ(text("REGEXP_REPLACE", {S("abc"), S("x*"), S("-")}), "-a-b-c-");
  EXPECT_EQ(text("REGEXP_REPLACE", {S("abc"), S("b"), S("$1\\")}), "a$1\\c");  // replacement is literal
  EXPECT_EQ(text("REGEXP_REPLACE", {S("abc"), S("("), S("x")}), "NULL");
  EXPECT_EQ(text("REGEXP_REPLACE", {Col(S("abc")), Col(S("B")), S("x")}), "abc");
}

TEST(RegexFunctions, StrToMap) {
  auto entries = [](const Value& v) {
    std::string out;
    for (const auto& [k, val] : v.as_map()) {
      out += k.as_string() + "=" + (val.is_null() ? "NULL" : val.as_string()) + ";";
    }
    return out;
  };
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("a=1,b=2,c")})), "a=1;b=2;c=NULL;");
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("a:1;b:2:3"), S(";"), S(":")})), "a=1;b=2:3;");
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("a=1|b=2"), S("\\|"), S("=")})), "a=1;b=2;");
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("a=1,a=2,,")})), "a=2;");
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("")})), "");
  EXPECT_EQ(result_type("STR_TO_MAP", {S("a=1")}), "MAP<STRING, STRING> NOT NULL");
  EXPECT_EQ(bind_error("STR_TO_MAP", {S("a"), S(",")}), "STR_TO_MAP expects 1 or 3 arguments, got 2");
}


TEST(HashFunctions, MatchReferenceDigests) {
  // Expected digests computed with Python hashlib (the same algorithms as Java's MessageDigest).
  EXPECT_EQ(text("MD5", {S("")}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(text("SHA1", {S("")}), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(text("SHA224", {S("")}), "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f");
  EXPECT_EQ(text("SHA256", {S("")}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(text("SHA384", {S("")}), "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
  EXPECT_EQ(text("SHA512", {S("")}), "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
  EXPECT_EQ(text("MD5", {S("abc")}), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(text("SHA1", {S("abc")}), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(text("SHA224", {S("abc")}), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_EQ(text("SHA256", {S("abc")}), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(text("SHA384", {S("abc")}), "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(text("SHA512", {S("abc")}), "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(text("MD5", {S("hello world")}), "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(text("SHA1", {S("hello world")}), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
  EXPECT_EQ(text("SHA224", {S("hello world")}), "2f05477fc24bb4faefd86517156dafdecec45b8ad3cf2522a563582b");
  EXPECT_EQ(text("SHA256", {S("hello world")}), "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  EXPECT_EQ(text("SHA384", {S("hello world")}), "fdbd8e75a67f29f701a4e040385e2e23986303ea10239211af907fcbb83578b3e417cb71ce646efd0819dd8c088de1bd");
  EXPECT_EQ(text("SHA512", {S("hello world")}), "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f");
  EXPECT_EQ(text("MD5", {S(std::string(200, 'a'))}), "887f30b43b2867f4a9accceee7d16e6c");
  EXPECT_EQ(text("SHA1", {S(std::string(200, 'a'))}), "e61cfffe0d9195a525fc6cf06ca2d77119c24a40");
  EXPECT_EQ(text("SHA224", {S(std::string(200, 'a'))}), "2559984fd15e055f0d84c346483508242f02653ab7956401e551511c");
  EXPECT_EQ(text("SHA256", {S(std::string(200, 'a'))}), "c2a908d98f5df987ade41b5fce213067efbcc21ef2240212a41e54b5e7c28ae5");
  EXPECT_EQ(text("SHA384", {S(std::string(200, 'a'))}), "0691b6e978614b67d60557b2a2cddd53406508522efa21c624dbbfa8ab6e726d5c586b489c7c09f24109a64c10211d48");
  EXPECT_EQ(text("SHA512", {S(std::string(200, 'a'))}), "4b11459c33f52a22ee8236782714c150a3b2c60994e9acee17fe68947a3e6789f31e7668394592da7bef827cddca88c4e6f86e4df7ed1ae6cba71f3e98faee9f");
  EXPECT_EQ(text("MD5", {S("größe ü")}), "765644f5882e51768e2ad54955367fce");
  EXPECT_EQ(text("SHA1", {S("größe ü")}), "897775182a8c940ff7527da56a7afcbeeeec24da");
  EXPECT_EQ(text("SHA224", {S("größe ü")}), "cf33f38531ca7a2154eb8bca0817f510ecfa1c73953b374cb7c4575c");
  EXPECT_EQ(text("SHA256", {S("größe ü")}), "df51977ff1ebee31534ffdc410fc386fe1cc2a252931d6cf43bc3496f79e73a2");
  EXPECT_EQ(text("SHA384", {S("größe ü")}), "d4de68422bba5d7cd889edfde0ecd0537475200df9ac71ec3d4363fc3f341d68144051d57b426203576425e0203f71ad");
  EXPECT_EQ(text("SHA512", {S("größe ü")}), "9e7c50656bd3aba2e860445f520fa344911499fb255f1ef60c19e8c6b501a2f3d8e4f27405f65c5d96b047882b3f09ab4d238d45f75e2c830c9b2581c202f510");
  EXPECT_EQ(text("MD5", {S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")}), "04364420e25c512fd958a70738aa8f72");
  EXPECT_EQ(text("SHA1", {S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")}), "cef734ba81a024479e09eb5a75b6ddae62e6abf1");
  EXPECT_EQ(text("SHA224", {S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")}), "2791c7d25712eb5be75c30b2d45f6fce96e5a50ee64cf373056704a3");
  EXPECT_EQ(text("SHA256", {S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")}), "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  EXPECT_EQ(text("SHA384", {S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")}), "a66523395070ed9a9f4be8faab9d76cb2bf631e835177ac1e5a14308f9a56b939964f8597819be798318f3db67a0d995");
  EXPECT_EQ(text("SHA512", {S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")}), "db9981645857e59805132f7699e78bbcf39f69380a41aac8e6fa158a0593f2017ffe48764687aa855dae3023fcceefd51a1551d57730423df18503e80ba381ba");
  EXPECT_EQ(text("MD5", {S("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")}), "6c830a5d23df58dbe0171eb5639bf3e4");
  EXPECT_EQ(text("SHA1", {S("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")}), "8902d391f35bbaf08469aee6ab763e4048f3f6ba");
  EXPECT_EQ(text("SHA224", {S("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")}), "df50764461715b7a7128672238a7e968ff496f13c8bb9b219be459e5");
  EXPECT_EQ(text("SHA256", {S("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")}), "4877e564e5e36e367c7c8d59670774becd3350610b6df4c399c9fa9b66da5813");
  EXPECT_EQ(text("SHA384", {S("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")}), "22f15a70e2fb690cd58d53c631732a2432238432d932d7a45378718173c231a8f5fd0890f15ec2a142c477db78d3a527");
  EXPECT_EQ(text("SHA512", {S("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")}), "173016d3ea2517af3046375507039139d91d359ef856c8f71faa9b93b21f0d95b845b240d82afc3fafe5631f8fc69b244b3e4b69d9948c383e2677fdd815c364");
  EXPECT_EQ(text("MD5", {S(std::string(111, 'z'))}), "42a9cea09041effb09d5f483a28771ae");
  EXPECT_EQ(text("SHA1", {S(std::string(111, 'z'))}), "bba2a9a5f6437f68d429270c76e679ff3c319d0b");
  EXPECT_EQ(text("SHA224", {S(std::string(111, 'z'))}), "440d0257a5fedf2b3b10770681e0d4807f4c463567c0c61b12784cf7");
  EXPECT_EQ(text("SHA256", {S(std::string(111, 'z'))}), "386b0b03dcbf126115cc460cdc48e807d955c839b49ed0c6a55d38a111a16b23");
  EXPECT_EQ(text("SHA384", {S(std::string(111, 'z'))}), "08f1a449817274d030197079df3f92f67c06a4db8376f610c409bc944f1666b79108e5fc2bd97784c65d59fc19a30ff0");
  EXPECT_EQ(text("SHA512", {S(std::string(111, 'z'))}), "3937caac51b533579164c83fb0df22bce8a8330f1c4d35a4584c2d10587933ea1aef3e06f33c40b56ab8f2790629d1c7d233ff71f148a6931dcdff5e9abfaa04");
  EXPECT_EQ(text("MD5", {S(std::string(112, 'w'))}), "c90013d36a573cb92a1824be7cbf12ec");
  EXPECT_EQ(text("SHA1", {S(std::string(112, 'w'))}), "b7cdf2ecb9ccab12ac863c4f95f48ee2bd72d517");
  EXPECT_EQ(text("SHA224", {S(std::string(112, 'w'))}), "e23870a83fbfaf3522f0799185e239e18f3b6727f206dae1895c750c");
  EXPECT_EQ(text("SHA256", {S(std::string(112, 'w'))}), "cdd9dacaea97b2a99564d3300eb0ac878d638946aad1a16e59ab309041bd7d40");
  EXPECT_EQ(text("SHA384", {S(std::string(112, 'w'))}), "6bfad8910a77f20c3bf8e32459065a19774f08ecec5ef6b57f313d72958677b8c0683f881559feb6b4b655f4d7799aaf");
  EXPECT_EQ(text("SHA512", {S(std::string(112, 'w'))}), "35fd184451b40e28631121044ce3efda7b45572d9e47b4977b45d456574a036736666451778fbd7de776d14c6175613150116763d8c013ff1c971b48cb91424f");
  EXPECT_EQ(text("SHA2", {S("abc"), I(224)}), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_EQ(text("SHA2", {S("abc"), I(256)}), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(text("SHA2", {S("abc"), I(384)}), "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(text("SHA2", {S("abc"), I(512)}), "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(text("MD5", {Null(DataType::string())}), "NULL");
  EXPECT_EQ(text("SHA2", {S("abc"), Null(DataType::integer())}), "NULL");
  EXPECT_EQ(bind_error("SHA2", {S("abc"), I(100)}), "SHA2: hash length must be 224, 256, 384 or 512, got 100");
  EXPECT_EQ(eval_error("SHA2", {S("abc"), Col(I(100))}), "SHA2: hash length must be 224, 256, 384 or 512, got 100");
  EXPECT_EQ(result_type("MD5", {S("abc")}), "STRING NOT NULL");
}

}  // namespace
}  // namespace careflow::exec::fn::testing
