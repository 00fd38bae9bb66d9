// The predictor of a build without looplab::simulator: none.
#include "gui/data/predictor.hpp"

namespace looplab::gui {

std::unique_ptr<Predictor> makeDefaultPredictor() { return nullptr; }

}  // namespace looplab::gui
