// Retention rules (prune.hpp).
#include "lab/prune.hpp"

#include <cstdlib>
#include <ctime>
#include <map>

#include "engine/core/error.hpp"
#include "lab/suite.hpp"

namespace looplab::lab {

std::optional<double> iso8601_seconds(const std::string& t) {
  std::tm tm{};
  const char* rest = strptime(t.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  const double frac = *rest == '.' ? std::strtod(rest, nullptr) : 0.0;
  return static_cast<double>(timegm(&tm)) + frac;
}

std::vector<store::RunId> runs_to_prune(const std::vector<store::RunSummary>& runs, const PruneRules& rules,
                                        const std::string& now) {
  if (!rules.keep_last && !rules.keep_within_days)
    throw InputError("keep-last", "give --keep-last N and/or --keep-within DAYS: a rule saying what to keep");
  if (rules.keep_last && *rules.keep_last < 0) throw InputError("keep-last", "must be >= 0");
  if (rules.keep_within_days && !(*rules.keep_within_days >= 0 && *rules.keep_within_days < 1e6))
    throw InputError("keep-within", "must be a number of days >= 0");
  const std::optional<double> now_s = iso8601_seconds(now);
  std::map<std::string, std::int64_t> seen;  // newer runs of each group seen so far
  std::vector<store::RunId> out;
  for (const store::RunSummary& summary : runs) {  // newest first
    const store::RunInfo& r = summary.info;
    if (!rules.label.empty() && r.label != rules.label) continue;
    if (r.status == store::RunStatus::running) continue;
    const std::string group =
        rules.per_workload ? work_key(r.config_json, r.batch, r.prompt_len, r.decode_steps) + "|" + r.backend : "";
    const std::int64_t rank = seen[group]++;
    bool keep = rules.keep_last && rank < *rules.keep_last;
    if (rules.keep_within_days) {
      const std::optional<double> created = iso8601_seconds(r.created_at);
      // an unreadable time is kept: deleting on a guess is worse than keeping
      keep = keep || !created || !now_s || *now_s - *created < *rules.keep_within_days * 86400.0;
    }
    if (!keep) out.push_back(r.id);
  }
  return {out.rbegin(), out.rend()};
}

}  // namespace looplab::lab
