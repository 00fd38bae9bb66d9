// Pixel checks for the screenshot smoke tests: an image is "not blank" when its grey levels vary
// (a single-colour or near-uniform picture has a variance near zero).
#pragma once
#include <QImage>

namespace looplab::gui::test {

// Variance of the grey level (0..255) over every pixel.
inline double greyVariance(const QImage& image) {
  const QImage grey = image.convertToFormat(QImage::Format_Grayscale8);
  double sum = 0.0;
  double sumSq = 0.0;
  const double n = static_cast<double>(grey.width()) * grey.height();
  for (int y = 0; y < grey.height(); ++y) {
    const uchar* line = grey.constScanLine(y);
    for (int x = 0; x < grey.width(); ++x) {
      sum += line[x];
      sumSq += static_cast<double>(line[x]) * line[x];
    }
  }
  if (n == 0.0) return 0.0;
  const double mean = sum / n;
  return sumSq / n - mean * mean;
}

}  // namespace looplab::gui::test
