// The runs browser: every run of the store in a sortable, filterable table (100,000 rows scroll
// freely: fixed row heights, no per-row sizing), with multi-select to compare.
#pragma once
#include <QList>
#include <QTimer>

#include "gui/data/store_loader.hpp"
#include "gui/views/view_page.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace looplab::gui {

class RunFilterProxy;
class RunListModel;

class RunsBrowser : public ViewPage {
  Q_OBJECT

 public:
  explicit RunsBrowser(QWidget* parent = nullptr);

  QString title() const override { return QStringLiteral("Runs"); }
  QWidget* exportTarget() override;

  void setRuns(RunsSnapshot runs);
  // Makes the run current (scrolls to it); false when the filter hides it or it is unknown.
  bool selectRun(qint64 runId);
  QList<qint64> selectedRunIds() const;
  qint64 currentRunId() const;

  RunListModel* model() const { return m_model; }
  RunFilterProxy* proxy() const { return m_proxy; }
  QTableView* table() const { return m_table; }
  QLineEdit* filterEdit() const { return m_filter; }

 signals:
  void runActivated(qint64 runId);
  void compareRequested(const QList<qint64>& runIds);

 private:
  void applyFilterText();
  void updateCount();

  RunListModel* m_model = nullptr;
  RunFilterProxy* m_proxy = nullptr;
  QTableView* m_table = nullptr;
  QLineEdit* m_filter = nullptr;
  QComboBox* m_variant = nullptr;
  QCheckBox* m_incomplete = nullptr;
  QLabel* m_count = nullptr;
  QPushButton* m_compare = nullptr;
  QTimer m_filterDelay;
};

}  // namespace looplab::gui
