// Paints the rows of an op table by their bound: maps the model's BoundRole to a light
// background tint, so the Qt-Core models stay free of QtGui colors.
#pragma once
#include <QIdentityProxyModel>

namespace looplab::gui {

class BoundTintProxy : public QIdentityProxyModel {
  Q_OBJECT

 public:
  using QIdentityProxyModel::QIdentityProxyModel;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
};

}  // namespace looplab::gui
