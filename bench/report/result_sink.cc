#include "bench/report/result_sink.h"

#include "bench/report/console_report.h"
#include "bench/report/csv_report.h"
#include "bench/report/json_report.h"

namespace streambench::report {

bool CompositeSink::Write(const ScenarioResult& result, std::vector<std::string>* errors) {
  bool ok = true;
  for (const std::unique_ptr<ResultSink>& sink : sinks_) ok = sink->Write(result, errors) && ok;
  return ok;
}

bool ConsoleSink::Write(const ScenarioResult& result, std::vector<std::string>* errors) {
  PrintConsoleTable(result, out_);
  return true;
}

bool FileSink::Write(const ScenarioResult& result, std::vector<std::string>* errors) {
  std::string error;
  if (write_(result, path_, &error)) return true;
  errors->push_back(error);
  return false;
}

std::unique_ptr<ResultSink> JsonFileSink(std::string path) {
  return std::make_unique<FileSink>(std::move(path), WriteJsonFile);
}

std::unique_ptr<ResultSink> CsvFileSink(std::string path) {
  return std::make_unique<FileSink>(std::move(path), WriteCsvFile);
}

}  // namespace streambench::report
