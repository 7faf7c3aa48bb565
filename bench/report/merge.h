// Merging the results of a sharded run (`streambench run --shard I/N`, one file per shard) into
// the result of the whole run (`streambench merge`). Exact where it matters: counts add, latency
// histograms merge bucket by bucket (so merged percentiles are those of all samples together,
// within the histogram's stated error), per-second series add interval by interval (same t_s),
// rates add (the shards ran at the same time). Figures the shards keep only as summaries are
// combined conservatively: send-queue depth and messages-per-stream percentiles take the
// largest shard's, means are weighted by samples. Expectation checks stay each shard's own,
// prefixed with the shard; the merged result passes when every shard's checks passed.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bench/report/result.h"

namespace streambench::report {

struct MergeInput {
  std::string path;  // for messages
  ScenarioResult result;
};

// The same one file at a time, so a merge holds the merged result and one shard's, not every
// shard's (100 shard files of a 10-minute run: bench/RESULTS.md). Add the shards in any order,
// then Finish once.
class ShardMerger {
 public:
  // False with *error (naming the file) when `shard` is not a shard of the same run as the
  // first one added, or repeats an index; the merger is then unchanged.
  bool Add(MergeInput shard, std::string* error);
  // The merged result; false when nothing was added, or shards are missing and not allowed.
  bool Finish(bool allow_missing, ScenarioResult* out, std::string* error);

 private:
  bool started_ = false;
  MergeInput first_;                  // the first shard's identity (its runs without their data)
  std::map<int, std::string> paths_;  // index -> file
  ScenarioResult merged_;
};

// Merges `shards` (any order). False with *error (naming the file) when they are not shards of
// one run: not sharded, different scenarios, shard counts or runs, the same index twice, a run
// without histograms (written before results carried them), or shards missing while
// `allow_missing` is false. With `allow_missing`, the absent indices are listed in
// out->shard.missing and the result does not pass.
bool MergeShardResults(const std::vector<MergeInput>& shards, bool allow_missing,
                       ScenarioResult* out, std::string* error);

}  // namespace streambench::report
