// Sorting and filtering of the runs browser: free text over model, variant, backend, hardware,
// verdict and id; one variant or all; incomplete runs shown or hidden. Sorting compares the
// snapshot directly when the source is a RunListModel (no QVariant per comparison at 100,000 rows).
#pragma once
#include <QSortFilterProxyModel>
#include <optional>

#include "engine/core/variant.hpp"

namespace looplab::gui {

class RunListModel;

class RunFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit RunFilterProxy(QObject* parent = nullptr);

  void setSourceModel(QAbstractItemModel* model) override;

  // Every word must occur (case-insensitive) in the row's model, variant, backend, hardware,
  // verdict (quiet, noisy, unusable) or id.
  void setFilterText(const QString& text);
  void setVariantFilter(std::optional<Variant> variant);
  void setShowIncomplete(bool show);

  QString filterText() const { return m_text; }

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
  bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

 private:
  RunListModel* m_runs = nullptr;
  QString m_text;
  QStringList m_words;
  std::optional<Variant> m_variant;
  bool m_showIncomplete = true;
};

}  // namespace looplab::gui
