// files/: the files pgverify writes for the user (reports, the baseline
// manifest), never left half-written.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace pgverify::files {

// A file could not be written; the message is one line naming the path.
class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes content to path so that a reader (or a kill at any moment) sees the
// old file or the whole new one, never half of one: a temporary file beside
// it, fsync, rename over the path, fsync of the directory. Missing parent
// directories are created. A symbolic link is followed, so the file it points
// to is replaced and the link kept. A path that exists and is not a regular
// file (a directory, a FIFO that would block, a device whose node a rename
// would replace) is a WriteError.
void write_atomically(const std::filesystem::path& path, std::string_view content);

// The path a file written to `path` ends up in: symbolic links resolved,
// relative parts made absolute, for telling two spellings of one file apart.
std::filesystem::path resolved_path(const std::filesystem::path& path);

}  // namespace pgverify::files
