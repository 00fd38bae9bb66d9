// The SQLite results store as a SnapshotSource, and the mapping of its open errors onto the
// problems the GUI explains (missing, corrupt, not looplab, locked, newer schema...).
#include <memory>

#include "engine/core/error.hpp"
#include "gui/data/snapshot_source.hpp"
#include "gui/data/store_convert.hpp"
#include "gui/data/store_problem.hpp"
#include "store/store.hpp"
#include "store/store_error.hpp"

namespace looplab::gui {

namespace {

bool has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// open_store() explains file problems in InputError messages on "db"; sort them by what to do.
// The path is cut out first, so that a file named "corrupt.db" says nothing about its state.
ProblemKind kindOfOpenError(std::string message, const std::string& path) {
  for (std::size_t at = path.empty() ? std::string::npos : message.find(path); at != std::string::npos;
       at = message.find(path)) {
    message.erase(at, path.size());
  }
  if (has(message, "newer looplab")) return ProblemKind::newerSchema;
  if (has(message, "does not exist")) return ProblemKind::missing;
  if (has(message, "is a directory") || has(message, "not a regular file")) return ProblemKind::notAFile;
  if (has(message, "empty file")) return ProblemKind::empty;
  if (has(message, "corrupt") || has(message, "not a SQLite") || has(message, "not a database")) {
    return ProblemKind::corrupt;
  }
  if (has(message, "not a looplab store")) return ProblemKind::notLooplab;
  if (has(message, "locked") || has(message, "busy")) return ProblemKind::locked;
  return ProblemKind::unreadable;
}

ProblemKind kindOfFault(store::StoreFault fault) {
  switch (fault) {
    case store::StoreFault::busy:
      return ProblemKind::locked;
    case store::StoreFault::corrupt:
      return ProblemKind::corrupt;
    default:
      return ProblemKind::unreadable;
  }
}

class StoreSnapshotSource final : public SnapshotSource {
 public:
  StoreSnapshotSource(std::unique_ptr<store::Store> store, std::string path)
      : m_store(std::move(store)), m_path(std::move(path)) {}

  std::vector<RunSummary> listRuns() override {
    return guarded([&] {
      std::vector<store::RunSummary> runs = m_store->list_runs();
      std::vector<RunSummary> out;
      out.reserve(runs.size());
      for (const store::RunSummary& r : runs) out.push_back(summaryFromStore(r.info, m_configs));
      return out;
    });
  }

  RunDetail runDetail(std::int64_t runId) override {
    return guarded([&] {
      const std::optional<store::RunInfo> info = m_store->get_run(runId);
      if (!info) throw StoreProblemError({ProblemKind::unreadable, m_path, "no run " + std::to_string(runId)});
      store::RunRows rows;
      m_store->for_each_step(runId, [&](const store::StepRow& r) { rows.steps.push_back(r); });
      m_store->for_each_op(runId, [&](const store::OpRow& r) { rows.ops.push_back(r); });
      m_store->for_each_prediction(runId, [&](const store::PredictionRow& r) { rows.predictions.push_back(r); });
      m_store->for_each_kernel(runId, [&](const store::KernelRow& r) { rows.kernels.push_back(r); });
      return detailFromStore(*info, rows, m_configs);
    });
  }

 private:
  template <typename Fn>
  auto guarded(Fn&& fn) -> decltype(fn()) {
    try {
      return fn();
    } catch (const store::StoreError& e) {
      throw StoreProblemError({kindOfFault(e.fault()), m_path, e.what()});
    } catch (const InputError& e) {
      throw StoreProblemError({kindOfOpenError(e.what(), m_path), m_path, e.what()});
    }
  }

  std::unique_ptr<store::Store> m_store;
  std::string m_path;
  ConfigCache m_configs;
};

}  // namespace

SourceFactory storeSourceFactory(int busyTimeoutMs) {
  return [busyTimeoutMs](const std::string& path) -> std::unique_ptr<SnapshotSource> {
    store::StoreOptions options;
    options.busy_timeout_ms = busyTimeoutMs;
    try {
      return std::make_unique<StoreSnapshotSource>(store::open_store(path, store::OpenMode::read_only_live, options),
                                                   path);
    } catch (const store::StoreError& e) {
      throw StoreProblemError({kindOfFault(e.fault()), path, e.what()});
    } catch (const InputError& e) {
      throw StoreProblemError({kindOfOpenError(e.what(), path), path, e.what()});
    }
  };
}

SourceFactory defaultSourceFactory() { return storeSourceFactory(kDefaultBusyTimeoutMs); }

}  // namespace looplab::gui
