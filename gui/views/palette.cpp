// Colors (see palette.hpp): Okabe-Ito hues, readable by colour-blind viewers.
#include "gui/views/palette.hpp"

namespace looplab::gui {

QColor boundColor(Bound bound) {
  switch (bound) {
    case Bound::memory:
      return QColor(0x00, 0x72, 0xB2);  // blue
    case Bound::compute:
      return QColor(0xD5, 0x5E, 0x00);  // vermillion
    case Bound::launch:
      return QColor(0x00, 0x9E, 0x73);  // green
    case Bound::unknown:
      break;
  }
  return QColor(0x99, 0x99, 0x99);
}

QColor variantColor(Variant variant) {
  switch (variant) {
    case Variant::vanilla:
      return QColor(0x00, 0x00, 0x00);
    case Variant::looped:
      return QColor(0xD5, 0x5E, 0x00);
    case Variant::clp:  // blue: orange beside looped's vermillion read as one colour
      return QColor(0x00, 0x72, 0xB2);
    case Variant::clp_share:
      return QColor(0xCC, 0x79, 0xA7);  // reddish purple
    case Variant::plt:
      return QColor(0x00, 0x9E, 0x73);
  }
  return Qt::gray;
}

QColor opKindColor(OpKind kind) {
  if (is_gemm(kind)) return QColor(0x00, 0x72, 0xB2);
  if (is_attention(kind)) return QColor(0xD5, 0x5E, 0x00);
  switch (kind) {
    case OpKind::rope_kv_append:
      return QColor(0xE6, 0x9F, 0x00);
    case OpKind::attn_norm:
    case OpKind::mlp_norm:
    case OpKind::final_norm:
      return QColor(0x56, 0xB4, 0xE9);
    case OpKind::swiglu:
      return QColor(0xCC, 0x79, 0xA7);
    case OpKind::embed:
    case OpKind::reinject:
    case OpKind::state_save:
      return QColor(0x00, 0x9E, 0x73);
    default:
      return QColor(0x88, 0x88, 0x88);
  }
}

QColor categoryColor(int index) {
  static const QColor kColors[] = {
      QColor(0x00, 0x72, 0xB2),  // blue
      QColor(0xD5, 0x5E, 0x00),  // vermillion
      QColor(0x00, 0x9E, 0x73),  // bluish green
      QColor(0xCC, 0x79, 0xA7),  // reddish purple
      QColor(0xE6, 0x9F, 0x00),  // orange
      QColor(0x56, 0xB4, 0xE9),  // sky blue
      QColor(0x00, 0x00, 0x00),  // black
      QColor(0xF0, 0xE4, 0x42),  // yellow: last, faint on white
  };
  constexpr int n = static_cast<int>(sizeof kColors / sizeof kColors[0]);
  return kColors[((index % n) + n) % n];
}

QColor measuredColor() { return QColor(0x00, 0x72, 0xB2); }
QColor predictedColor() { return QColor(0xD5, 0x5E, 0x00); }

QColor verdictColor(int rank) {
  switch (rank) {
    case 0:
      return QColor(0x00, 0x9E, 0x73);  // quiet: green
    case 1:
      return QColor(0xB0, 0x6E, 0x00);  // noisy: a darker orange, readable as text on white
    case 2:
      return QColor(0xD5, 0x5E, 0x00);  // unusable: vermillion
    default:
      return QColor(0x77, 0x77, 0x77);  // no verdict
  }
}

}  // namespace looplab::gui
