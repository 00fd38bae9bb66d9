// Verdict words and marks (see verdict.hpp).
#include "gui/models/verdict.hpp"

namespace looplab::gui {

OptionalVerdict verdictFromText(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return stats::parse_verdict(text);
}

QString verdictText(const OptionalVerdict& v) {
  if (!v) return QStringLiteral("no verdict");
  const std::string_view s = stats::to_string(*v);
  return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

bool isQuiet(const OptionalVerdict& v) { return v == stats::Verdict::quiet; }

int verdictRank(const OptionalVerdict& v) {
  if (!v) return 3;
  switch (*v) {
    case stats::Verdict::quiet:
      return 0;
    case stats::Verdict::noisy:
      return 1;
    case stats::Verdict::unusable:
      return 2;
  }
  return 3;
}

OptionalVerdict combinedVerdict(const OptionalVerdict& a, const OptionalVerdict& b) {
  if (a == stats::Verdict::unusable || b == stats::Verdict::unusable) return stats::Verdict::unusable;
  if (!a || !b) return std::nullopt;
  return stats::worst(*a, *b);
}

QString markedByVerdict(const QString& text, const OptionalVerdict& v) {
  if (isQuiet(v)) return text;
  return text + QStringLiteral(" (") + verdictText(v) + QLatin1Char(')');
}

QString verdictExplanation(const OptionalVerdict& v, const std::string& reason) {
  if (!v) return QStringLiteral("no verdict: the store holds no noise statistics for this run");
  if (*v == stats::Verdict::quiet && reason.empty()) {
    return QStringLiteral("quiet: the step's 95% interval of the median is within \u00b1%1 % of it")
        .arg(stats::NoiseThresholds{}.noisy_half_width * 100.0, 0, 'g', 3);
  }
  return verdictText(v) + (reason.empty() ? QString() : QStringLiteral(": ") + QString::fromStdString(reason));
}

}  // namespace looplab::gui
