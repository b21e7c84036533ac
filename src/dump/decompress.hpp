// Decompressing the start of a compressed file (a plain SQL dump written with
// -Z gzip/lz4/zstd), bounded: output stops at a cap, so a compression bomb
// costs nothing, and input is read in chunks, never whole.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

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

}  // namespace pgverify::dump
