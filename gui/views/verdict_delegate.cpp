// VerdictDelegate (see verdict_delegate.hpp).
#include "gui/views/verdict_delegate.hpp"

#include "gui/models/roles.hpp"
#include "gui/views/palette.hpp"

namespace looplab::gui {

void VerdictDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const {
  QStyledItemDelegate::initStyleOption(option, index);
  const QVariant rank = index.data(VerdictRole);
  if (!rank.isValid()) return;
  const QColor color = verdictColor(rank.toInt());
  option->palette.setColor(QPalette::Text, color);
  option->palette.setColor(QPalette::HighlightedText, color.lighter(160));
}

}  // namespace looplab::gui
