#include "dump/decompress.hpp"

#include <algorithm>
#include <memory>
#include <new>
#include <vector>

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include "dump/dump_error.hpp"

namespace pgverify::dump {

namespace {

constexpr std::size_t kInputChunk = 16 * 1024;

struct Step {
  std::size_t in_used = 0;
  std::size_t out_made = 0;
  bool done = false;       // the stream's end marker was reached
  std::string error;       // the library's words when the data is corrupt
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual Step step(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) = 0;
  // Ready for another stream after one ended (lz4 and zstd contexts are by themselves).
  virtual void restart() {}
  // How much earlier output the decoder reads back (lz4's 64 kB window) when
  // that output stays where it was written: the caller then writes into a
  // ring, so the library need not keep a copy of its own.
  virtual std::size_t stable_history() const { return 0; }
};

class GzipDecoder final : public Decoder {
 public:
  // 16 + MAX_WBITS: a gzip wrapper only, which is what pg_dump's gzopen() writes;
  // 32 + MAX_WBITS: either that or zlib's own (custom archives use deflateInit).
  explicit GzipDecoder(int window_bits = 16 + MAX_WBITS) {
    if (inflateInit2(&m_stream, window_bits) != Z_OK) throw std::bad_alloc();
  }
  ~GzipDecoder() override { inflateEnd(&m_stream); }
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  void restart() override { inflateReset(&m_stream); }

  Step step(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) override {
    // zlib's next_in is not const, but inflate never writes through it.
    m_stream.next_in = const_cast<std::uint8_t*>(in.data());
    m_stream.avail_in = static_cast<uInt>(in.size());
    m_stream.next_out = out.data();
    m_stream.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&m_stream, Z_NO_FLUSH);
    Step s;
    s.in_used = in.size() - m_stream.avail_in;
    s.out_made = out.size() - m_stream.avail_out;
    s.done = rc == Z_STREAM_END;
    // Z_BUF_ERROR only says no progress was possible with these buffers.
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      s.error = m_stream.msg ? m_stream.msg : "inflate error " + std::to_string(rc);
    return s;
  }

 private:
  z_stream m_stream{};
};

class Lz4Decoder final : public Decoder {
 public:
  Lz4Decoder() {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&m_context, LZ4F_VERSION))) throw std::bad_alloc();
  }
  ~Lz4Decoder() override { LZ4F_freeDecompressionContext(m_context); }
  std::size_t stable_history() const override { return 64 * 1024; }
  Lz4Decoder(const Lz4Decoder&) = delete;
  Lz4Decoder& operator=(const Lz4Decoder&) = delete;

  Step step(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) override {
    std::size_t out_size = out.size();
    std::size_t in_size = in.size();
    LZ4F_decompressOptions_t options{};
    options.stableDst = 1;  // the caller keeps the last 64 kB of output in place
    const std::size_t rc = LZ4F_decompress(m_context, out.data(), &out_size, in.data(), &in_size, &options);
    Step s;
    s.in_used = in_size;
    s.out_made = out_size;
    if (LZ4F_isError(rc))
      s.error = LZ4F_getErrorName(rc);
    else
      s.done = rc == 0;
    return s;
  }

 private:
  LZ4F_dctx* m_context = nullptr;
};

class ZstdDecoder final : public Decoder {
 public:
  ZstdDecoder() : m_stream(ZSTD_createDStream()) {
    if (!m_stream) throw std::bad_alloc();
  }
  ~ZstdDecoder() override { ZSTD_freeDStream(m_stream); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  Step step(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) override {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    const std::size_t rc = ZSTD_decompressStream(m_stream, &output, &input);
    Step s;
    s.in_used = input.pos;
    s.out_made = output.pos;
    if (ZSTD_isError(rc))
      s.error = ZSTD_getErrorName(rc);
    else
      s.done = rc == 0;
    return s;
  }

 private:
  ZSTD_DStream* m_stream;
};

std::unique_ptr<Decoder> make_decoder(StreamCompression kind, int gzip_window_bits = 16 + MAX_WBITS) {
  switch (kind) {
    case StreamCompression::gzip: return std::make_unique<GzipDecoder>(gzip_window_bits);
    case StreamCompression::lz4: return std::make_unique<Lz4Decoder>();
    case StreamCompression::zstd: return std::make_unique<ZstdDecoder>();
  }
  return nullptr;
}

}  // namespace

std::string_view to_string(StreamCompression kind) {
  switch (kind) {
    case StreamCompression::gzip: return "gzip";
    case StreamCompression::lz4: return "lz4";
    case StreamCompression::zstd: return "zstd";
  }
  return "unknown";
}

std::optional<StreamCompression> sniff_stream_compression(std::span<const std::uint8_t> b) {
  if (b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b) return StreamCompression::gzip;
  if (b.size() >= 4 && b[0] == 0x04 && b[1] == 0x22 && b[2] == 0x4d && b[3] == 0x18)
    return StreamCompression::lz4;
  if (b.size() >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
    return StreamCompression::zstd;
  return std::nullopt;
}

DecompressedPrefix decompress_prefix(const ByteSource& file, StreamCompression kind, std::size_t max_output) {
  auto decoder = make_decoder(kind);
  const std::string name(to_string(kind));
  DecompressedPrefix result;
  result.bytes.resize(max_output);
  std::size_t produced = 0;

  std::vector<std::uint8_t> chunk(kInputChunk);
  std::uint64_t chunk_start = 0;
  std::size_t chunk_len = 0;
  std::size_t chunk_pos = 0;
  std::uint64_t next_input = 0;

  while (produced < max_output) {
    if (chunk_pos == chunk_len) {
      if (next_input >= file.size())
        throw DumpError(DumpErrc::truncated, file.path(), file.size(),
                        "truncated inside the " + name + " stream: the file ends before the stream's end marker");
      chunk_start = next_input;
      chunk_len = file.read_at(next_input, chunk);
      if (chunk_len == 0)
        throw DumpError(DumpErrc::io_error, file.path(), next_input, "the file shrank while being read");
      next_input += chunk_len;
      chunk_pos = 0;
    }
    std::span<std::uint8_t> out(reinterpret_cast<std::uint8_t*>(result.bytes.data()) + produced,
                                max_output - produced);
    const Step s = decoder->step(std::span(chunk).subspan(chunk_pos, chunk_len - chunk_pos), out);
    const std::uint64_t at = chunk_start + chunk_pos;
    if (!s.error.empty())
      throw DumpError(DumpErrc::corrupt_compressed_stream, file.path(), at,
                      "corrupt " + name + " data near this offset: " + s.error);
    // With input and output space on offer a healthy decoder always moves;
    // standing still would loop forever on hostile data.
    if (s.in_used == 0 && s.out_made == 0 && !s.done)
      throw DumpError(DumpErrc::corrupt_compressed_stream, file.path(), at,
                      "corrupt " + name + " data near this offset: the decoder makes no progress");
    chunk_pos += s.in_used;
    produced += s.out_made;
    if (s.done) {
      result.whole_stream = true;
      break;
    }
  }
  result.bytes.resize(produced);
  return result;
}

class StreamDecoder::Impl {
 public:
  Impl(std::optional<StreamCompression> kind, GzipInput gzip_input)
      : m_kind(kind),
        m_decoder(kind ? make_decoder(*kind, 32 + MAX_WBITS) : nullptr),
        m_like_gzread(kind == StreamCompression::gzip && gzip_input == GzipInput::file) {
    // A ring twice the history plus two chunks: a chunk written after wrapping
    // around never touches the history the decoder may still read.
    if (m_decoder) m_out.resize(kDecodeOutputChunk + (m_decoder->stable_history() ? 3 * kDecodeOutputChunk : 0));
  }

  std::optional<std::string> feed(std::span<const std::uint8_t> in, const Output& out) {
    if (!m_like_gzread) return decode(in, out);
    // gz_look in zlib's gzread.c: two bytes decide, at the start of the file
    // and after each member. The gzip magic: a (further) member. Anything else
    // at the start: the file is copied as it is; after a member: trailing
    // garbage, ignored.
    std::vector<std::uint8_t> joined;
    if (m_held) {
      joined.push_back(*m_held);
      joined.insert(joined.end(), in.begin(), in.end());
      in = joined;
      m_held.reset();
    }
    if (in.empty()) return std::nullopt;
    if (!m_started) {
      if (in.size() < 2) {
        m_held = in[0];  // one byte cannot tell: the next piece, or the end, decides
        return std::nullopt;
      }
      m_started = true;
      m_direct = !(in[0] == 0x1f && in[1] == 0x8b);
    }
    if (m_direct) {
      pass(in, out);
      return std::nullopt;
    }
    return decode(in, out);
  }

  std::optional<std::string> decode(std::span<const std::uint8_t> in, const Output& out) {
    if (!m_decoder) {
      pass(in, out);
      return std::nullopt;
    }
    if (m_failed) return std::string("the stream was already found corrupt");
    while (true) {
      if (m_complete && !in.empty()) {
        if (m_like_gzread) {
          if (m_ignoring) return std::nullopt;
          if (in.size() < 2) {
            m_held = in[0];
            return std::nullopt;
          }
          if (!(in[0] == 0x1f && in[1] == 0x8b)) {
            m_ignoring = true;
            return std::nullopt;
          }
        }
        // More bytes after a stream's end: the next gzip member, lz4 or zstd frame.
        m_decoder->restart();
        m_complete = false;
      }
      const std::span<std::uint8_t> window(m_out.data() + m_pos, std::min(kDecodeOutputChunk, m_out.size() - m_pos));
      const Step s = m_decoder->step(in, window);
      if (!s.error.empty()) {
        m_failed = true;
        return s.error;
      }
      if (s.out_made) out({reinterpret_cast<const char*>(window.data()), s.out_made});
      if (m_decoder->stable_history()) {
        m_pos += s.out_made;
        if (m_out.size() - m_pos < kDecodeOutputChunk) m_pos = 0;
      }
      in = in.subspan(s.in_used);
      if (s.done) m_complete = true;
      else if (s.in_used) m_complete = false;
      // With input and output room on offer a healthy decoder moves; standing
      // still would loop forever on hostile data.
      if (s.in_used == 0 && s.out_made == 0 && !s.done) {
        if (in.empty()) return std::nullopt;
        m_failed = true;
        return std::string("the decoder makes no progress");
      }
      // A full output buffer may leave more output pending even without input.
      if (in.empty() && (s.done || s.out_made < window.size())) return std::nullopt;
    }
  }

  static void pass(std::span<const std::uint8_t> in, const Output& out) {
    for (std::size_t at = 0; at < in.size(); at += kDecodeOutputChunk) {
      const std::size_t n = std::min(kDecodeOutputChunk, in.size() - at);
      out({reinterpret_cast<const char*>(in.data()) + at, n});
    }
  }

  // A lone byte held at the start of a gzread-style file is the whole file,
  // copied as it is; one held after a member is trailing garbage.
  void flush(const Output& out) {
    if (!m_like_gzread || m_started || !m_held) return;
    const char c = static_cast<char>(*m_held);
    m_held.reset();
    m_started = m_direct = true;
    out({&c, 1});
  }

  bool at_stream_end() const {
    if (m_like_gzread && (m_direct || !m_started)) return true;
    return !m_decoder || m_complete || !m_seen_input;
  }
  void saw_input() { m_seen_input = true; }
  bool passed_through() const { return m_direct; }

  std::string_view name() const { return m_kind ? to_string(*m_kind) : std::string_view("none"); }

 private:
  std::optional<StreamCompression> m_kind;
  std::unique_ptr<Decoder> m_decoder;
  std::vector<std::uint8_t> m_out;
  std::size_t m_pos = 0;  // where the next output goes (moves only for a ring)
  bool m_complete = false;
  bool m_failed = false;
  bool m_seen_input = false;
  // gzread-style files only.
  bool m_like_gzread = false;
  bool m_started = false;   // the first two bytes were seen
  bool m_direct = false;    // no gzip magic at the start: bytes pass through
  bool m_ignoring = false;  // trailing garbage after a member
  std::optional<std::uint8_t> m_held;
};

StreamDecoder::StreamDecoder(std::optional<StreamCompression> kind, GzipInput gzip_input)
    : m_impl(std::make_unique<Impl>(kind, gzip_input)) {}
StreamDecoder::~StreamDecoder() = default;

std::optional<std::string> StreamDecoder::feed(std::span<const std::uint8_t> in, const Output& out) {
  if (!in.empty()) m_impl->saw_input();
  return m_impl->feed(in, out);
}

bool StreamDecoder::at_stream_end() const { return m_impl->at_stream_end(); }

std::string_view StreamDecoder::name() const { return m_impl->name(); }

bool StreamDecoder::passed_through() const { return m_impl->passed_through(); }

void StreamDecoder::flush(const Output& out) { m_impl->flush(out); }

}  // namespace pgverify::dump
