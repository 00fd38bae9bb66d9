// BoundTintProxy (see bound_tint_proxy.hpp).
#include "gui/views/bound_tint_proxy.hpp"

#include <QBrush>

#include "gui/models/roles.hpp"
#include "gui/views/palette.hpp"

namespace looplab::gui {

QVariant BoundTintProxy::data(const QModelIndex& index, int role) const {
  if (role == Qt::BackgroundRole) {
    const QVariant bound = QIdentityProxyModel::data(index, BoundRole);
    if (bound.isValid()) {
      QColor c = boundColor(static_cast<Bound>(bound.toInt()));
      c.setAlpha(48);
      return QBrush(c);
    }
  }
  return QIdentityProxyModel::data(index, role);
}

}  // namespace looplab::gui
