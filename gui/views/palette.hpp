// The GUI's colors in one place: one per bound (memory, compute, launch), one per variant (the
// ladder order), one per op kind for the timeline, one per category of a sweep,
// measured/predicted marker colors, and one per noise verdict.
#pragma once
#include <QColor>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

QColor boundColor(Bound bound);
QColor variantColor(Variant variant);
QColor opKindColor(OpKind kind);
// The i-th of a set of categories (hardware, model, batch in the sweep explorer): the
// Okabe-Ito hues in a fixed order, repeating after eight.
QColor categoryColor(int index);
QColor measuredColor();
QColor predictedColor();
// By verdictRank(): quiet, noisy, unusable, no verdict.
QColor verdictColor(int rank);

}  // namespace looplab::gui
