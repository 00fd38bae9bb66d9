// BoundTintProxy (see bound_tint_proxy.hpp).
#include "gui/views/bound_tint_proxy.hpp"

#include <QBrush>
#include <QFont>

#include "gui/models/roles.hpp"
#include "gui/views/palette.hpp"

namespace looplab::gui {

QVariant BoundTintProxy::data(const QModelIndex& index, int role) const {
  if (role == Qt::BackgroundRole) {
    if (QIdentityProxyModel::data(index, SummaryRowRole).toBool()) return QBrush(QColor(0xEC, 0xEC, 0xEC));
    const QVariant bound = QIdentityProxyModel::data(index, BoundRole);
    if (bound.isValid()) {
      QColor c = boundColor(static_cast<Bound>(bound.toInt()));
      c.setAlpha(48);
      return QBrush(c);
    }
  }
  if (role == Qt::ForegroundRole) {
    const QVariant rank = QIdentityProxyModel::data(index, VerdictRole);
    if (rank.isValid()) return QBrush(verdictColor(rank.toInt()));
  }
  if (role == Qt::FontRole && QIdentityProxyModel::data(index, SummaryRowRole).toBool()) {
    QFont bold;
    bold.setBold(true);
    return bold;
  }
  return QIdentityProxyModel::data(index, role);
}

}  // namespace looplab::gui
