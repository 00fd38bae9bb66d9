// RunsBrowser (see runs_browser.hpp).
#include "gui/views/runs_browser.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "gui/models/roles.hpp"
#include "gui/models/run_filter_proxy.hpp"
#include "gui/models/run_list_model.hpp"
#include "gui/views/verdict_delegate.hpp"

namespace looplab::gui {

RunsBrowser::RunsBrowser(QWidget* parent) : ViewPage(parent) {
  m_model = new RunListModel(this);
  m_proxy = new RunFilterProxy(this);
  m_proxy->setSourceModel(m_model);

  m_filter = new QLineEdit(this);
  m_filter->setPlaceholderText(
      QStringLiteral("Filter: words to find in model, variant, backend, hardware, verdict or id"));
  m_filter->setClearButtonEnabled(true);
  m_variant = new QComboBox(this);
  m_variant->addItem(QStringLiteral("All variants"), -1);
  for (Variant v : kAllVariants) {
    m_variant->addItem(QString::fromLatin1(to_string(v).data(), static_cast<qsizetype>(to_string(v).size())),
                       static_cast<int>(v));
  }
  m_incomplete = new QCheckBox(QStringLiteral("Show incomplete"), this);
  m_incomplete->setChecked(true);
  m_count = new QLabel(this);
  m_compare = new QPushButton(QStringLiteral("Compare selected"), this);
  m_compare->setToolTip(QStringLiteral("Select two or more runs (Ctrl/Shift-click), then compare them"));

  auto* bar = new QHBoxLayout;
  bar->addWidget(m_filter, 1);
  bar->addWidget(m_variant);
  bar->addWidget(m_incomplete);
  bar->addWidget(m_count);
  bar->addWidget(m_compare);

  m_table = new QTableView(this);
  m_table->setModel(m_proxy);
  m_table->setSortingEnabled(true);
  m_table->sortByColumn(RunListModel::IdColumn, Qt::DescendingOrder);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_table->setWordWrap(false);
  m_table->setAlternatingRowColors(true);
  m_table->setItemDelegate(new VerdictDelegate(m_table));  // noisy and unusable runs in color
  m_table->verticalHeader()->setVisible(false);
  // Fixed row heights and fixed column widths: no pass over 100,000 rows to measure them.
  m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  m_table->horizontalHeader()->setStretchLastSection(true);
  const int widths[RunListModel::ColumnCount] = {56, 150, 80, 50, 60, 50, 64, 84, 70, 84, 140, 76, 64, 80, 170};
  for (int c = 0; c < RunListModel::ColumnCount; ++c) m_table->setColumnWidth(c, widths[c]);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(m_table, 1);

  m_filterDelay.setSingleShot(true);
  m_filterDelay.setInterval(150);  // one filter pass per pause in typing, not per key
  connect(&m_filterDelay, &QTimer::timeout, this, &RunsBrowser::applyFilterText);
  connect(m_filter, &QLineEdit::textChanged, this, [this] { m_filterDelay.start(); });
  connect(m_variant, &QComboBox::currentIndexChanged, this, [this] {
    const int v = m_variant->currentData().toInt();
    m_proxy->setVariantFilter(v < 0 ? std::nullopt : std::optional<Variant>(static_cast<Variant>(v)));
    updateCount();
  });
  connect(m_incomplete, &QCheckBox::toggled, this, [this](bool on) {
    m_proxy->setShowIncomplete(on);
    updateCount();
  });
  connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
    if (current.isValid()) emit runActivated(current.data(RunIdRole).toLongLong());
  });
  connect(m_compare, &QPushButton::clicked, this, [this] { emit compareRequested(selectedRunIds()); });
  updateCount();
}

QWidget* RunsBrowser::exportTarget() { return m_table; }

void RunsBrowser::setRuns(RunsSnapshot runs) {
  m_model->setRuns(std::move(runs));
  updateCount();
}

void RunsBrowser::applyFilterText() {
  m_proxy->setFilterText(m_filter->text());
  updateCount();
}

void RunsBrowser::updateCount() {
  m_count->setText(QStringLiteral("%1 of %2 runs").arg(m_proxy->rowCount()).arg(m_model->rowCount()));
}

bool RunsBrowser::selectRun(qint64 runId) {
  const int sourceRow = m_model->rowOfId(runId);
  if (sourceRow < 0) return false;
  const QModelIndex index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
  if (!index.isValid()) return false;
  m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  m_table->scrollTo(index);
  return true;
}

QList<qint64> RunsBrowser::selectedRunIds() const {
  QList<qint64> ids;
  for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
    ids.append(index.data(RunIdRole).toLongLong());
  }
  return ids;
}

qint64 RunsBrowser::currentRunId() const {
  const QModelIndex current = m_table->selectionModel()->currentIndex();
  return current.isValid() ? current.data(RunIdRole).toLongLong() : -1;
}

}  // namespace looplab::gui
