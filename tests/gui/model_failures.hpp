// Collects what QAbstractItemModelTester reports in Warning mode (category qt.modeltest), so a
// GoogleTest can assert that a model broke no rule of the item-model contract.
#pragma once
#include <QLoggingCategory>
#include <QString>
#include <QStringList>
#include <cstring>

namespace looplab::gui::test {

class ModelFailures {
 public:
  ModelFailures() {
    messages().clear();
    m_previous = qInstallMessageHandler(&ModelFailures::handler);
  }
  ~ModelFailures() { qInstallMessageHandler(m_previous); }
  ModelFailures(const ModelFailures&) = delete;
  ModelFailures& operator=(const ModelFailures&) = delete;

  // Every message the tester sent; empty when the model kept to the contract.
  QString text() const { return messages().join(QLatin1Char('\n')); }
  bool empty() const { return messages().isEmpty(); }

 private:
  static QStringList& messages() {
    static QStringList list;
    return list;
  }
  static void handler(QtMsgType, const QMessageLogContext& context, const QString& message) {
    if (context.category != nullptr && std::strcmp(context.category, "qt.modeltest") == 0) {
      messages().append(message);
    }
  }

  QtMessageHandler m_previous = nullptr;
};

}  // namespace looplab::gui::test
