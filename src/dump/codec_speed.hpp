// How fast pg_dump's compression method compresses and decompresses data like
// the tenant's: measured on a sample of its COPY text (the upgrade's estimate
// of step.dump, step.verify-dump and step.restore). pg_dump's own settings:
// gzip level 6 (Z_DEFAULT_COMPRESSION), lz4 frames at the default level, zstd
// level 3 (ZSTD_CLEVEL_DEFAULT).
#pragma once

#include <string>
#include <string_view>

namespace pgverify::dump {

struct CodecSpeed {
  std::string method;                 // gzip | lz4 | zstd | none
  double compress_bytes_per_s = 0;    // input bytes per second; 0 for none (no cost)
  double decompress_bytes_per_s = 0;  // output bytes per second; 0 for none
  double ratio = 1;                   // compressed size / input size
};

// Throws std::invalid_argument for a method pg_dump does not have.
CodecSpeed measure_codec(std::string_view method, std::string_view sample);

}  // namespace pgverify::dump
