// Result sinks: every output of a finished run (console table, JSON, CSV, and the gate's console
// summary and JUnit file in bench/gate) behind one interface, composed by the CLI into one
// CompositeSink from its flags, as google/benchmark composes its reporters.
// Thread-safety: a sink is used by one thread at a time.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "bench/report/result.h"

namespace streambench::report {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // Writes the finished result. Returns false, with one line per problem appended to *errors
  // (each naming the file), when it could not.
  virtual bool Write(const ScenarioResult& result, std::vector<std::string>* errors) = 0;
};

// Writes to every sink added, in order, even after one failed.
class CompositeSink : public ResultSink {
 public:
  void Add(std::unique_ptr<ResultSink> sink) { sinks_.push_back(std::move(sink)); }
  bool Write(const ScenarioResult& result, std::vector<std::string>* errors) override;

 private:
  std::vector<std::unique_ptr<ResultSink>> sinks_;
};

// The per-run tables and the verdict line (console_report.h).
class ConsoleSink : public ResultSink {
 public:
  explicit ConsoleSink(std::ostream& out) : out_(out) {}
  bool Write(const ScenarioResult& result, std::vector<std::string>* errors) override;

 private:
  std::ostream& out_;
};

// A file output: `write(result, path, &error)` writes the whole file (atomically, by convention).
class FileSink : public ResultSink {
 public:
  using Writer = bool (*)(const ScenarioResult& result, const std::string& path,
                          std::string* error);
  FileSink(std::string path, Writer write) : path_(std::move(path)), write_(write) {}
  bool Write(const ScenarioResult& result, std::vector<std::string>* errors) override;

 private:
  std::string path_;
  Writer write_;
};

// `--out FILE`: the JSON document (json_report.h).
std::unique_ptr<ResultSink> JsonFileSink(std::string path);
// `--csv FILE`: one row per run, and the comparison beside it (csv_report.h).
std::unique_ptr<ResultSink> CsvFileSink(std::string path);

}  // namespace streambench::report
