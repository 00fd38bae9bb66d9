// MainWindow (see main_window.hpp).
#include "gui/app/main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>

#include "gui/models/roles.hpp"
#include "gui/models/run_list_model.hpp"
#include "gui/views/compare_view.hpp"
#include "gui/views/export.hpp"
#include "gui/views/history_view.hpp"
#include "gui/views/roofline_view.hpp"
#include "gui/views/run_view.hpp"
#include "gui/views/runs_browser.hpp"
#include "gui/views/sweep_view.hpp"
#include "gui/views/timeline_view.hpp"
#include "gui/views/what_if_panel.hpp"

namespace looplab::gui {

namespace {
// The compare view draws at most this many runs when none are selected: charts stay readable
// and quick with a 100,000-run store.
constexpr std::size_t kMaxDefaultCompare = 2000;
}  // namespace

QStringList MainWindow::viewNames() {
  return {QStringLiteral("runs"),     QStringLiteral("run"),   QStringLiteral("compare"), QStringLiteral("roofline"),
          QStringLiteral("timeline"), QStringLiteral("sweep"), QStringLiteral("whatif"),  QStringLiteral("history")};
}

MainWindow::MainWindow(SourceFactory factory, std::unique_ptr<Predictor> predictor, QWidget* parent)
    : QMainWindow(parent), m_predictor(std::move(predictor)) {
  setWindowTitle(QStringLiteral("looplab"));
  m_loader = new StoreLoader(std::move(factory), this);

  m_runs = new RunsBrowser(this);
  m_runView = new RunView(this);
  m_compare = new CompareView(this);
  m_roofline = new RooflineView(this);
  m_timeline = new TimelineView(this);
  m_sweep = new SweepView(this);
  m_whatIf = new WhatIfPanel(this);
  m_history = new HistoryView(this);
  m_compare->setPredictor(m_predictor.get());
  m_sweep->setPredictor(m_predictor.get());
  m_whatIf->setPredictor(m_predictor.get());

  m_nav = new QListWidget(this);
  m_stack = new QStackedWidget(this);
  const std::vector<ViewPage*> pages = {m_runs,     m_runView, m_compare, m_roofline,
                                        m_timeline, m_sweep,   m_whatIf,  m_history};
  for (ViewPage* p : pages) {
    m_nav->addItem(p->title());
    m_stack->addWidget(p);
  }
  m_nav->setFixedWidth(110);
  connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
  auto* central = new QWidget(this);
  auto* row = new QHBoxLayout(central);
  row->setContentsMargins(4, 4, 4, 4);
  row->addWidget(m_nav);
  row->addWidget(m_stack, 1);
  setCentralWidget(central);
  m_nav->setCurrentRow(0);
  buildMenus();
  statusBar()->showMessage(QStringLiteral("Open a results store (File > Open store...)"));

  connect(m_loader, &StoreLoader::runsLoaded, this, &MainWindow::onRunsLoaded);
  connect(m_loader, &StoreLoader::runLoaded, this, &MainWindow::onRunLoaded);
  connect(m_loader, &StoreLoader::failed, this, &MainWindow::onProblem);
  connect(m_runs, &RunsBrowser::runActivated, this, [this](qint64 id) {
    statusBar()->showMessage(QStringLiteral("Loading run %1...").arg(id));
    m_loader->loadRun(id);
  });
  connect(m_runs, &RunsBrowser::compareRequested, this, &MainWindow::compareRuns);
  // a point of the history opens its run in the run view
  connect(m_history, &HistoryView::runActivated, this, [this](qint64 id) {
    showRun(id);
    showView(QStringLiteral("run"));
  });
  resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
  QAction* open = file->addAction(QStringLiteral("&Open store..."));
  open->setShortcut(QKeySequence::Open);
  connect(open, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open a looplab results store"), QString(),
                                                      QStringLiteral("looplab store (*.db);;All files (*)"));
    if (!path.isEmpty()) openStore(path);
  });
  QAction* sweep = file->addAction(QStringLiteral("Open &sweep..."));
  connect(sweep, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open a sweep result"), QString(),
                                                      QStringLiteral("Sweep CSV or store (*.csv *.db);;All files (*)"));
    if (path.isEmpty()) return;
    const QString error = openSweep(path);
    if (!error.isEmpty()) QMessageBox::warning(this, QStringLiteral("Cannot open the sweep"), error);
  });
  file->addSeparator();
  for (const auto& [label, suffix] :
       {std::pair{"Export view as &PNG...", "png"}, std::pair{"Export view as S&VG...", "svg"}}) {
    QAction* exportAction = file->addAction(QString::fromLatin1(label));
    const QString ext = QString::fromLatin1(suffix);
    connect(exportAction, &QAction::triggered, this, [this, ext] {
      const QString path = QFileDialog::getSaveFileName(
          this, QStringLiteral("Export the current view"), currentViewName() + QLatin1Char('.') + ext,
          ext.toUpper() + QStringLiteral(" (*.") + ext + QLatin1Char(')'));
      if (path.isEmpty()) return;
      const QString error = exportCurrentView(path);
      if (!error.isEmpty()) {
        QMessageBox::warning(this, QStringLiteral("Export failed"), error);
      } else {
        statusBar()->showMessage(QStringLiteral("Exported %1").arg(path));
      }
    });
  }
  file->addSeparator();
  QAction* quit = file->addAction(QStringLiteral("&Quit"));
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, this, &QWidget::close);

  QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
  const QStringList names = viewNames();
  for (int i = 0; i < names.size(); ++i) {
    QAction* a = view->addAction(m_nav->item(i)->text());
    a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
    connect(a, &QAction::triggered, this, [this, i] { m_nav->setCurrentRow(i); });
  }
}

void MainWindow::openStore(const QString& path) {
  m_lastProblem.reset();
  setWindowTitle(QStringLiteral("looplab \u2014 %1").arg(QFileInfo(path).fileName()));
  statusBar()->showMessage(QStringLiteral("Opening %1...").arg(path));
  m_loader->open(path);
}

QString MainWindow::openSweep(const QString& path) {
  QString error = m_sweep->openFile(path);
  if (error.isEmpty()) showView(QStringLiteral("sweep"));
  return error;
}

bool MainWindow::showView(const QString& name) {
  const int i = static_cast<int>(viewNames().indexOf(name));
  if (i < 0) return false;
  m_nav->setCurrentRow(i);
  return true;
}

bool MainWindow::showRun(qint64 runId) { return m_runs->selectRun(runId); }

ViewPage* MainWindow::page(const QString& name) const {
  const int i = static_cast<int>(viewNames().indexOf(name));
  return i < 0 ? nullptr : qobject_cast<ViewPage*>(m_stack->widget(i));
}

ViewPage* MainWindow::currentPage() const { return qobject_cast<ViewPage*>(m_stack->currentWidget()); }

QString MainWindow::currentViewName() const { return viewNames().value(m_stack->currentIndex()); }

QString MainWindow::exportCurrentView(const QString& path) {
  ViewPage* p = currentPage();
  return exportWidget(p != nullptr ? p->exportTarget() : nullptr, path);
}

void MainWindow::onRunsLoaded(const QString& path, const RunsSnapshot& runs, qint64 elapsedMs) {
  m_runsSnapshot = runs;
  m_explicitCompare.reset();
  m_runs->setRuns(runs);
  m_history->setRuns(*runs);
  statusBar()->showMessage(QStringLiteral("%1 runs from %2, read in %3 ms").arg(runs->size()).arg(path).arg(elapsedMs));
  // The newest run is the table's first row (sorted by id, descending).
  const QModelIndex first = m_runs->table()->model()->index(0, 0);
  if (first.isValid()) m_runs->selectRun(first.data(RunIdRole).toLongLong());
}

std::vector<RunSummary> MainWindow::defaultCompareSet(const RunSummary& current) const {
  std::vector<RunSummary> out;
  if (!m_runsSnapshot) return out;
  for (const RunSummary& r : *m_runsSnapshot) {
    if (r.model == current.model && r.hardware == current.hardware && r.complete) out.push_back(r);
    if (out.size() >= kMaxDefaultCompare) break;
  }
  return out;
}

void MainWindow::onRunLoaded(const RunDetailSnapshot& run) {
  m_currentRun = run;
  m_runView->setRun(run);
  m_roofline->setRun(run);
  m_timeline->setRun(run);
  m_whatIf->setRun(run);
  m_compare->setRuns(m_explicitCompare ? *m_explicitCompare : defaultCompareSet(run->summary), run);
  statusBar()->showMessage(
      QStringLiteral("Run %1: %2 ops, %3 steps").arg(run->summary.id).arg(run->ops.size()).arg(run->steps.size()));
  emit runShown(run->summary.id);
}

void MainWindow::compareRuns(const QList<qint64>& ids) {
  if (!m_runsSnapshot) return;
  std::vector<RunSummary> chosen;
  for (qint64 id : ids) {
    const int row = m_runs->model()->rowOfId(id);
    if (row >= 0) chosen.push_back((*m_runsSnapshot)[static_cast<std::size_t>(row)]);
  }
  if (chosen.size() < 2) {
    statusBar()->showMessage(QStringLiteral("Select two or more runs to compare (Ctrl- or Shift-click)."));
    return;
  }
  m_explicitCompare = chosen;
  m_compare->setRuns(chosen, m_currentRun);
  showView(QStringLiteral("compare"));
}

void MainWindow::onProblem(const StoreProblem& problem) {
  m_lastProblem = problem;
  const QString title = QString::fromStdString(problemTitle(problem.kind));
  statusBar()->showMessage(title + QStringLiteral(": ") + QString::fromStdString(problem.detail));
  emit problemShown(problem);
  if (!m_interactive) return;
  auto* box = new QMessageBox(problem.kind == ProblemKind::empty ? QMessageBox::Information : QMessageBox::Critical,
                              title, QString::fromStdString(problemAdvice(problem.kind)), QMessageBox::Ok, this);
  box->setInformativeText(QString::fromStdString(problem.path));
  box->setDetailedText(QString::fromStdString(problem.detail));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();  // window-modal, not a nested event loop: the loader keeps answering
}

}  // namespace looplab::gui
