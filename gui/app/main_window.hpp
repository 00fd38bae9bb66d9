// The main window: a list of views on the left (runs, run, compare, roofline, timeline, sweep,
// what-if), the store loader behind them, export of the current view, and a clear dialog for
// every store problem (non-blocking, so the window never freezes).
#pragma once
#include <QMainWindow>
#include <QStringList>
#include <memory>
#include <optional>

#include "gui/data/predictor.hpp"
#include "gui/data/store_loader.hpp"

class QListWidget;
class QStackedWidget;

namespace looplab::gui {

class CompareView;
class RooflineView;
class RunView;
class RunsBrowser;
class SweepView;
class HistoryView;
class TimelineView;
class ViewPage;
class WhatIfPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(SourceFactory factory, std::unique_ptr<Predictor> predictor, QWidget* parent = nullptr);
  ~MainWindow() override;

  // The names --view accepts, in the order of the view list.
  static QStringList viewNames();

  void openStore(const QString& path);
  // Reads a sweep CSV into the sweep view; returns why not on failure.
  QString openSweep(const QString& path);
  // Makes a view current by name; false for an unknown name.
  bool showView(const QString& name);
  // Makes a run current (its detail loads in the background); false when it is not in the store.
  bool showRun(qint64 runId);
  ViewPage* page(const QString& name) const;
  ViewPage* currentPage() const;
  QString currentViewName() const;
  StoreLoader* loader() const { return m_loader; }
  RunsBrowser* runsBrowser() const { return m_runs; }
  const Predictor* predictor() const { return m_predictor.get(); }

  // Interactive windows show a dialog per problem; headless ones (screenshots, tests) only
  // record it.
  void setInteractive(bool interactive) { m_interactive = interactive; }
  const std::optional<StoreProblem>& lastProblem() const { return m_lastProblem; }
  RunDetailSnapshot currentRun() const { return m_currentRun; }

  // Exports the current view's chart (PNG or SVG by extension); returns why not on failure.
  QString exportCurrentView(const QString& path);

 signals:
  void runShown(qint64 runId);
  void problemShown(const looplab::gui::StoreProblem& problem);

 private:
  void buildMenus();
  void onRunsLoaded(const QString& path, const RunsSnapshot& runs, qint64 elapsedMs);
  void onRunLoaded(const RunDetailSnapshot& run);
  void onProblem(const StoreProblem& problem);
  void compareRuns(const QList<qint64>& ids);
  std::vector<RunSummary> defaultCompareSet(const RunSummary& current) const;

  std::unique_ptr<Predictor> m_predictor;
  StoreLoader* m_loader = nullptr;
  QListWidget* m_nav = nullptr;
  QStackedWidget* m_stack = nullptr;
  RunsBrowser* m_runs = nullptr;
  RunView* m_runView = nullptr;
  CompareView* m_compare = nullptr;
  RooflineView* m_roofline = nullptr;
  TimelineView* m_timeline = nullptr;
  SweepView* m_sweep = nullptr;
  HistoryView* m_history = nullptr;
  WhatIfPanel* m_whatIf = nullptr;
  RunsSnapshot m_runsSnapshot;
  RunDetailSnapshot m_currentRun;
  std::optional<std::vector<RunSummary>> m_explicitCompare;
  std::optional<StoreProblem> m_lastProblem;
  bool m_interactive = true;
};

}  // namespace looplab::gui
