// exportWidget: QWidget::grab for PNG, QWidget::render into a QSvgGenerator for SVG.
#include "gui/views/export.hpp"

#include <QFileInfo>
#include <QPainter>
#include <QPixmap>
#include <QSvgGenerator>
#include <QWidget>

namespace looplab::gui {

ImageFormat formatForPath(const QString& path) {
  return QFileInfo(path).suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) == 0 ? ImageFormat::svg
                                                                                           : ImageFormat::png;
}

QString exportWidget(QWidget* widget, const QString& path) {
  if (widget == nullptr) return QStringLiteral("nothing to export");
  if (formatForPath(path) == ImageFormat::png) {
    const QPixmap pixmap = widget->grab();
    if (pixmap.isNull()) return QStringLiteral("the view rendered no pixels");
    if (!pixmap.save(path, "PNG")) return QStringLiteral("cannot write ") + path;
    return {};
  }
  QSvgGenerator svg;
  svg.setFileName(path);
  svg.setSize(widget->size());
  svg.setViewBox(QRect(QPoint(0, 0), widget->size()));
  svg.setTitle(widget->windowTitle().isEmpty() ? QStringLiteral("looplab") : widget->windowTitle());
  svg.setDescription(QStringLiteral("Exported from looplab-gui"));
  QPainter painter;
  if (!painter.begin(&svg)) return QStringLiteral("cannot write ") + path;
  widget->render(&painter);
  painter.end();
  if (!QFileInfo(path).exists()) return QStringLiteral("cannot write ") + path;
  return {};
}

}  // namespace looplab::gui
