#include "dump/codec_speed.hpp"

#include <algorithm>
#include <chrono>
#include <span>
#include <stdexcept>
#include <string>

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include "dump/decompress.hpp"

namespace pgverify::dump {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string compress(std::string_view method, std::string_view in) {
  std::string out;
  if (method == "gzip") {
    uLongf size = compressBound(static_cast<uLong>(in.size()));
    out.resize(size);
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(in.data()),
                  static_cast<uLong>(in.size()), Z_DEFAULT_COMPRESSION) != Z_OK)
      throw std::runtime_error("zlib cannot compress the sample");
    out.resize(size);
  } else if (method == "lz4") {
    out.resize(LZ4F_compressFrameBound(in.size(), nullptr));
    const std::size_t size = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), nullptr);
    if (LZ4F_isError(size)) throw std::runtime_error(std::string("lz4 cannot compress the sample: ") + LZ4F_getErrorName(size));
    out.resize(size);
  } else {
    out.resize(ZSTD_compressBound(in.size()));
    const std::size_t size = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), ZSTD_CLEVEL_DEFAULT);
    if (ZSTD_isError(size)) throw std::runtime_error(std::string("zstd cannot compress the sample: ") + ZSTD_getErrorName(size));
    out.resize(size);
  }
  return out;
}

}  // namespace

CodecSpeed measure_codec(std::string_view method, std::string_view sample) {
  CodecSpeed speed;
  speed.method = std::string(method);
  if (method == "none") return speed;
  if (method != "gzip" && method != "lz4" && method != "zstd")
    throw std::invalid_argument("pg_dump has no compression method '" + std::string(method) + "'");
  if (sample.empty()) return speed;

  auto started = Clock::now();
  const std::string packed = compress(method, sample);
  const double compress_s = seconds_since(started);

  // zlib's compress2 writes zlib's wrapper, as pg_dump's custom archives hold.
  StreamDecoder decoder(method == "gzip" ? StreamCompression::gzip
                        : method == "lz4" ? StreamCompression::lz4
                                          : StreamCompression::zstd);
  std::size_t unpacked = 0;
  started = Clock::now();
  const auto error = decoder.feed(std::span(reinterpret_cast<const std::uint8_t*>(packed.data()), packed.size()),
                                  [&unpacked](std::string_view piece) { unpacked += piece.size(); });
  const double decompress_s = seconds_since(started);
  if (error || unpacked != sample.size())
    throw std::runtime_error("the " + std::string(method) + " sample does not decompress to itself");

  // A clock too coarse for the sample reads 0: the speed is then that of a microsecond.
  speed.compress_bytes_per_s = static_cast<double>(sample.size()) / std::max(compress_s, 1e-6);
  speed.decompress_bytes_per_s = static_cast<double>(sample.size()) / std::max(decompress_s, 1e-6);
  speed.ratio = static_cast<double>(packed.size()) / static_cast<double>(sample.size());
  return speed;
}

}  // namespace pgverify::dump
