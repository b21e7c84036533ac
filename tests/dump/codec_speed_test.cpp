#include <catch2/catch.hpp>

#include <string>

#include "dump/codec_speed.hpp"

namespace pgverify::dump {

namespace {

// COPY-like text: repetitive enough to compress, varied enough not to vanish.
std::string copy_like(std::size_t rows) {
  std::string text;
  for (std::size_t i = 0; i < rows; ++i)
    text += std::to_string(i) + "\tmessage body number " + std::to_string(i * 7919 % 10007) + "\t{0.125,-3.5," +
            std::to_string(i % 97) + "}\n";
  return text;
}

}  // namespace

TEST_CASE("measure_codec measures pg_dump's three methods on a sample and checks each round trip", "[dump]") {
  const std::string sample = copy_like(20000);
  for (const char* method : {"gzip", "lz4", "zstd"}) {
    INFO(method);
    const CodecSpeed speed = measure_codec(method, sample);
    CHECK(speed.method == method);
    CHECK(speed.compress_bytes_per_s > 0);
    CHECK(speed.decompress_bytes_per_s > 0);
    CHECK(speed.ratio > 0.01);
    CHECK(speed.ratio < 0.9);
  }
}

TEST_CASE("measure_codec: none costs nothing, an empty sample measures nothing, an unknown method is refused", "[dump]") {
  const CodecSpeed none = measure_codec("none", copy_like(100));
  CHECK(none.ratio == 1);
  CHECK(none.compress_bytes_per_s == 0);
  const CodecSpeed empty = measure_codec("lz4", "");
  CHECK(empty.compress_bytes_per_s == 0);
  CHECK(empty.ratio == 1);
  CHECK_THROWS_AS(measure_codec("brotli", "x"), std::invalid_argument);
}

}  // namespace pgverify::dump
