// StoreLoader: queries on a worker thread, results back on the GUI thread (see store_loader.hpp).
#include "gui/data/store_loader.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>

#include "engine/core/error.hpp"

namespace looplab::gui {

struct StoreLoader::Worker {
  std::unique_ptr<SnapshotSource> source;
};

StoreLoader::StoreLoader(SourceFactory factory, QObject* parent)
    : QObject(parent), m_factory(std::move(factory)), m_worker(std::make_shared<Worker>()) {
  m_pool.setMaxThreadCount(1);  // one store connection, one thread
  qRegisterMetaType<RunsSnapshot>();
  qRegisterMetaType<RunDetailSnapshot>();
  qRegisterMetaType<StoreProblem>();
}

StoreLoader::~StoreLoader() {
  m_pool.waitForDone();
  // The source belongs to the worker thread; with the pool idle it is safe to drop it here.
  m_worker->source.reset();
}

template <typename Fn>
void StoreLoader::post(Fn&& fn) {
  ++m_pending;
  m_pool.start(std::forward<Fn>(fn));
}

namespace {
StoreProblem problemFrom(const std::exception& e, const std::string& path) {
  if (const auto* p = dynamic_cast<const StoreProblemError*>(&e)) return p->problem();
  StoreProblem problem;
  problem.kind = ProblemKind::unreadable;
  problem.path = path;
  problem.detail = e.what();
  return problem;
}
}  // namespace

void StoreLoader::open(const QString& path) {
  m_path = path;
  const quint64 generation = ++m_openGeneration;
  ++m_runGeneration;  // a run of the previous store is no longer wanted
  QPointer<StoreLoader> self(this);
  post([self, generation, worker = m_worker, factory = m_factory, p = path.toStdString()] {
    QElapsedTimer timer;
    timer.start();
    RunsSnapshot runs;
    std::optional<StoreProblem> problem;
    try {
      worker->source.reset();
      const FileCheck check = checkStoreFile(p);
      if (!check.ok) throw StoreProblemError(check.problem);
      worker->source = factory(p);
      auto list = std::make_shared<std::vector<RunSummary>>(worker->source->listRuns());
      if (list->empty()) {
        throw StoreProblemError({ProblemKind::empty, p, p + " is a looplab store without runs"});
      }
      runs = std::move(list);
    } catch (const std::exception& e) {
      problem = problemFrom(e, p);
    }
    const qint64 elapsedMs = timer.elapsed();
    QMetaObject::invokeMethod(
        self.data(),
        [self, generation, runs, problem, elapsedMs, p] {
          if (!self) return;
          --self->m_pending;
          if (generation != self->m_openGeneration) return;  // superseded by a newer open()
          if (problem) {
            emit self->failed(*problem);
          } else {
            emit self->runsLoaded(QString::fromStdString(p), runs, elapsedMs);
          }
        },
        Qt::QueuedConnection);
  });
}

void StoreLoader::loadRun(qint64 runId) {
  const quint64 generation = ++m_runGeneration;
  QPointer<StoreLoader> self(this);
  post([self, generation, runId, worker = m_worker, p = m_path.toStdString()] {
    RunDetailSnapshot run;
    std::optional<StoreProblem> problem;
    try {
      if (!worker->source) {
        throw StoreProblemError({ProblemKind::unreadable, p, "no store is open"});
      }
      run = std::make_shared<const RunDetail>(worker->source->runDetail(runId));
    } catch (const std::exception& e) {
      problem = problemFrom(e, p);
    }
    QMetaObject::invokeMethod(
        self.data(),
        [self, generation, run, problem] {
          if (!self) return;
          --self->m_pending;
          if (generation != self->m_runGeneration) return;  // the user picked another run
          if (problem) {
            emit self->failed(*problem);
          } else {
            emit self->runLoaded(run);
          }
        },
        Qt::QueuedConnection);
  });
}

void StoreLoader::waitForIdle() {
  while (m_pending > 0) {
    m_pool.waitForDone();
    QCoreApplication::sendPostedEvents(this);
  }
}

}  // namespace looplab::gui
