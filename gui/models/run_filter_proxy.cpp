// RunFilterProxy: filter and sort of the runs table (see run_filter_proxy.hpp).
#include "gui/models/run_filter_proxy.hpp"

#include "gui/models/roles.hpp"
#include "gui/models/run_list_model.hpp"
#include "gui/models/verdict.hpp"

namespace looplab::gui {

RunFilterProxy::RunFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) { setSortRole(SortRole); }

void RunFilterProxy::setSourceModel(QAbstractItemModel* model) {
  m_runs = qobject_cast<RunListModel*>(model);
  QSortFilterProxyModel::setSourceModel(model);
}

// Every filter change rebuilds the mapping in one layout change. invalidateRowsFilter() would
// announce each removed range separately, and a view pays for every announcement: with 100,000
// rows and interleaved matches that took seconds.
void RunFilterProxy::setFilterText(const QString& text) {
  if (text == m_text) return;
  m_text = text;
  m_words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
  invalidate();
}

void RunFilterProxy::setVariantFilter(std::optional<Variant> variant) {
  if (variant == m_variant) return;
  m_variant = variant;
  invalidate();
}

void RunFilterProxy::setShowIncomplete(bool show) {
  if (show == m_showIncomplete) return;
  m_showIncomplete = show;
  invalidate();
}

bool RunFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  if (m_runs != nullptr) {
    const RunSummary* r = m_runs->runAt(sourceRow);
    if (r == nullptr) return false;
    if (m_variant && r->variant != *m_variant) return false;
    if (!m_showIncomplete && !r->complete) return false;
    if (m_words.isEmpty()) return true;
    const QString haystack =
        QString::fromStdString(r->model) + QLatin1Char(' ') +
        QString::fromLatin1(to_string(r->variant).data(), static_cast<qsizetype>(to_string(r->variant).size())) +
        QLatin1Char(' ') + QString::fromStdString(r->backend) + QLatin1Char(' ') + QString::fromStdString(r->hardware) +
        QLatin1Char(' ') + QString::number(r->id) +
        (r->verdict ? QLatin1Char(' ') + verdictText(r->verdict) : QString());
    for (const QString& w : m_words) {
      if (!haystack.contains(w, Qt::CaseInsensitive)) return false;
    }
    return true;
  }
  return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

bool RunFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
  if (m_runs != nullptr) return m_runs->lessThan(left.row(), right.row(), left.column());
  return QSortFilterProxyModel::lessThan(left, right);
}

}  // namespace looplab::gui
