// The source factory of a build without looplab::store: every open reports "unsupported".
#include "gui/data/snapshot_source.hpp"
#include "gui/data/store_problem.hpp"

namespace looplab::gui {

SourceFactory defaultSourceFactory() {
  return [](const std::string& path) -> std::unique_ptr<SnapshotSource> {
    throw StoreProblemError({ProblemKind::unsupported, path, "built without looplab::store"});
  };
}

}  // namespace looplab::gui
