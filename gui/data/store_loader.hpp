// Loads snapshots off the GUI thread: a one-thread pool runs the store queries (one connection,
// used by one thread at a time) and hands the results to the GUI thread by signal. A newer
// request supersedes an older one: stale results are dropped, never shown.
#pragma once
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <memory>
#include <vector>

#include "gui/data/snapshot_source.hpp"
#include "gui/data/store_problem.hpp"

namespace looplab::gui {

using RunsSnapshot = std::shared_ptr<const std::vector<RunSummary>>;
using RunDetailSnapshot = std::shared_ptr<const RunDetail>;

class StoreLoader : public QObject {
  Q_OBJECT

 public:
  explicit StoreLoader(SourceFactory factory, QObject* parent = nullptr);
  // Waits for the query in flight: a worker never outlives the loader it reports to.
  ~StoreLoader() override;

  // Checks the file, opens the store and lists its runs -> runsLoaded() or failed().
  void open(const QString& path);
  // Reads one run of the open store -> runLoaded() or failed().
  void loadRun(qint64 runId);
  QString path() const { return m_path; }
  // True while a request has not answered yet.
  bool busy() const { return m_pending > 0; }
  // Blocks until the worker is idle and delivers what it produced (tests, screenshot mode).
  void waitForIdle();

 signals:
  void runsLoaded(const QString& path, looplab::gui::RunsSnapshot runs, qint64 elapsedMs);
  void runLoaded(looplab::gui::RunDetailSnapshot run);
  void failed(const looplab::gui::StoreProblem& problem);

 private:
  struct Worker;
  template <typename Fn>
  void post(Fn&& fn);

  SourceFactory m_factory;
  QThreadPool m_pool;
  std::shared_ptr<Worker> m_worker;  // touched only by the pool's thread
  QString m_path;
  quint64 m_openGeneration = 0;
  quint64 m_runGeneration = 0;
  int m_pending = 0;
};

}  // namespace looplab::gui

Q_DECLARE_METATYPE(looplab::gui::RunsSnapshot)
Q_DECLARE_METATYPE(looplab::gui::RunDetailSnapshot)
Q_DECLARE_METATYPE(looplab::gui::StoreProblem)
