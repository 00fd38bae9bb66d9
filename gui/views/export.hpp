// Export of any view or chart as PNG (a pixel grab) or SVG (vector, through QSvgGenerator),
// chosen by the file's extension.
#pragma once
#include <QString>

class QWidget;

namespace looplab::gui {

enum class ImageFormat { png, svg };

// ".svg" -> svg, anything else -> png.
ImageFormat formatForPath(const QString& path);
// Renders the widget as it is laid out now. Returns an empty string on success, else why not.
QString exportWidget(QWidget* widget, const QString& path);

}  // namespace looplab::gui
