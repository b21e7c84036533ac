// files/: the files pgverify writes for the user (reports, the baseline
// manifest), never left half-written.
#pragma once

#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
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

// The temporary files being written now, so that an interrupted pgverify
// leaves none behind (cli/interrupt). Creating, renaming and removing happen
// under one lock: remove_all sees every file that exists and no file appears
// after it.
class TemporaryFiles {
 public:
  // Creates the file (O_EXCL, no link followed) and remembers it: its
  // descriptor, or -1 with errno set (ECANCELED after remove_all).
  int create(const std::filesystem::path& path, unsigned mode);
  // Renames it over `target` and forgets it; false with errno set (ECANCELED
  // when remove_all removed it).
  bool commit(const std::filesystem::path& path, const std::filesystem::path& target);
  // Removes it and forgets it.
  void discard(const std::filesystem::path& path);
  // Removes every file it remembers; create and commit fail from now on.
  // How many it removed. For a caller about to end the process: a
  // write_atomically through temporary_files() that comes to a failed create
  // or commit then waits for that end rather than report the file unwritten.
  std::size_t remove_all();

 private:
  std::mutex m_mutex;
  bool m_closed = false;
  std::set<std::string> m_paths;
};

// The process's, which write_atomically uses.
TemporaryFiles& temporary_files();

// The path a file written to `path` ends up in: symbolic links resolved,
// relative parts made absolute, for telling two spellings of one file apart.
std::filesystem::path resolved_path(const std::filesystem::path& path);

}  // namespace pgverify::files
