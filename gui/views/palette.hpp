// The GUI's colors in one place: one per bound (memory, compute, launch), one per variant (the
// ladder order), one per op kind for the timeline, measured/predicted marker colors, and one per
// noise verdict.
#pragma once
#include <QColor>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

QColor boundColor(Bound bound);
QColor variantColor(Variant variant);
QColor opKindColor(OpKind kind);
QColor measuredColor();
QColor predictedColor();
// By verdictRank(): quiet, noisy, unusable, no verdict.
QColor verdictColor(int rank);

}  // namespace looplab::gui
