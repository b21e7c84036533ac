// Decompressing pg_dump's compressed data, bounded. decompress_prefix reads
// the start of a compressed file (a plain SQL dump written with -Z gzip/lz4/zstd):
// output stops at a cap, so a compression bomb costs nothing. StreamDecoder
// decompresses table data as it streams by (custom archive data blocks,
// directory NNNN.dat.gz/.lz4/.zst files, whole compressed plain dumps): input
// comes in pieces, output leaves in pieces of a fixed size, nothing is held whole.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dump/byte_source.hpp"

namespace pgverify::dump {

enum class StreamCompression { gzip, lz4, zstd };

std::string_view to_string(StreamCompression kind);

// Recognizes a compressed file by its magic number (gzip 1f 8b, an lz4 frame
// 04 22 4d 18, a zstd frame 28 b5 2f fd).
std::optional<StreamCompression> sniff_stream_compression(std::span<const std::uint8_t> first_bytes);

struct DecompressedPrefix {
  std::string bytes;      // at most max_output bytes
  bool whole_stream = false;  // the stream ended within those bytes
};

// Decompresses the file from its start until max_output bytes come out or the
// stream ends. Throws DumpError: corrupt_compressed_stream (with the offset of
// the input chunk that failed), truncated (the file ends before the stream does).
DecompressedPrefix decompress_prefix(const ByteSource& file, StreamCompression kind, std::size_t max_output);

// The size of the pieces StreamDecoder hands out.
inline constexpr std::size_t kDecodeOutputChunk = 64 * 1024;

class StreamDecoder {
 public:
  using Output = std::function<void(std::string_view)>;

  // How a gzip file is read. pg_restore reads a directory archive's .gz files
  // with zlib's gzread, which passes a file that does not start with the gzip
  // magic through as it is and ignores bytes after a gzip member that do not
  // start another one; data inside a custom archive must be a zlib stream.
  enum class GzipInput { stream, file };

  // nullopt: no compression, bytes pass through. gzip accepts both zlib's own
  // wrapper (custom archives: deflateInit) and gzip's (directory files: gzopen).
  explicit StreamDecoder(std::optional<StreamCompression> kind, GzipInput gzip_input = GzipInput::stream);
  ~StreamDecoder();
  StreamDecoder(const StreamDecoder&) = delete;
  StreamDecoder& operator=(const StreamDecoder&) = delete;

  // Decompresses all of `in`, handing the output to `out` in pieces of at most
  // kDecodeOutputChunk bytes. Several streams one after another (gzip members,
  // lz4 or zstd frames) are read as one. Returns nullopt, or the library's
  // words when the data is corrupt; after an error the decoder is unusable.
  std::optional<std::string> feed(std::span<const std::uint8_t> in, const Output& out);

  // Hands out what is held back at the end of the input: GzipInput::file keeps
  // a lone first byte until it knows whether the file is gzip. Call before
  // at_stream_end when the input has ended.
  void flush(const Output& out);

  // Whether the input fed so far ends where a stream ends (true when nothing was
  // fed, and always for uncompressed data): false means the data stopped short.
  bool at_stream_end() const;

  std::string_view name() const;  // "gzip", "lz4", "zstd", "none"
  // GzipInput::file only: the file did not start with the gzip magic and was
  // passed through uncompressed, as gzread does.
  bool passed_through() const;

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace pgverify::dump
