// The noise verdict of lab/stats.hpp as the GUI words it, and the marking every measured figure
// or ratio gets when a run behind it is not quiet: "1.23× (noisy)", never a bare number.
#pragma once
#include <QString>
#include <optional>
#include <string>

#include "lab/stats.hpp"

namespace looplab::gui {

using OptionalVerdict = std::optional<stats::Verdict>;

// The store's text ("quiet", "noisy", "unusable"); "" (a run that never finished) gives none.
OptionalVerdict verdictFromText(const std::string& text);
// "quiet", "noisy", "unusable", or "no verdict".
QString verdictText(const OptionalVerdict& v);
bool isQuiet(const OptionalVerdict& v);
// Sort key, best first: 0 quiet, 1 noisy, 2 unusable, 3 none.
int verdictRank(const OptionalVerdict& v);
// The verdict of a figure made from two measurements (a ratio): unusable if either is, else
// none if either has none, else the worse.
OptionalVerdict combinedVerdict(const OptionalVerdict& a, const OptionalVerdict& b);
// The figure's text, marked unless its verdict is quiet: "+12.3 % (noisy)", "2.00× (no verdict)".
QString markedByVerdict(const QString& text, const OptionalVerdict& v);
// One line for a tooltip: the verdict and why ("noisy: decode: 95% interval +-3.1% of the
// median"); a quiet run gets the threshold it met.
QString verdictExplanation(const OptionalVerdict& v, const std::string& reason);

}  // namespace looplab::gui
