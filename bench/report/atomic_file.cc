#include "bench/report/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace streambench::report {

bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error) {
  const std::string tmp_path = path + ".tmp";
  std::FILE* file = std::fopen(tmp_path.c_str(), "wb");
  if (file == nullptr) {
    *error = "cannot write " + tmp_path + ": " + std::strerror(errno);
    return false;
  }
  errno = 0;
  const size_t written = std::fwrite(contents.data(), 1, contents.size(), file);
  const int write_errno = errno;
  // fflush + fclose report buffered write failures (e.g. disk full) that fwrite may not.
  const bool flushed = std::fflush(file) == 0;
  const bool closed = std::fclose(file) == 0;
  if (written != contents.size() || !flushed || !closed) {
    *error = "cannot write " + tmp_path + ": " + std::strerror(write_errno ? write_errno : errno);
    std::remove(tmp_path.c_str());
    return false;
  }
  if (std::rename(tmp_path.c_str(), path.c_str()) != 0) {
    *error = "cannot rename " + tmp_path + " to " + path + ": " + std::strerror(errno);
    std::remove(tmp_path.c_str());
    return false;
  }
  return true;
}

bool ReadWholeFile(const std::string& path, std::string* contents, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    *error = "cannot read " + path;
    return false;
  }
  *contents = buffer.str();
  return true;
}

}  // namespace streambench::report
