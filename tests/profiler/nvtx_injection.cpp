// NVTX's static-injection hook: NVTX calls InitializeInjectionNvtx2_fnptr at its first call, and
// the function tables it hands over get recorders for domain creation and range push/pop.
#include "nvtx_injection.hpp"

#include <cstdint>

// This file defines InitializeInjectionNvtx2_fnptr itself (below), so NVTX's header must not
// define its weak default here; its loader still reads the symbol, hence the declaration first.
#define NVTX_STATIC_INJECTION_IMPL
extern "C" int (*InitializeInjectionNvtx2_fnptr)(const void* (*)(std::uint32_t));
#include <nvtx3/nvToolsExt.h>

#include <deque>
#include <mutex>

namespace looplab::test {
namespace {

struct Log {
  std::mutex mu;
  bool initialized = false;
  std::deque<std::string> domains;  // a handle is the address of its name here
  std::vector<std::string> events;
};
Log& injection_log() {
  static Log l;
  return l;
}

std::string domain_name(nvtxDomainHandle_t d) { return d ? *reinterpret_cast<const std::string*>(d) : std::string(); }
std::string message_of(const nvtxEventAttributes_t* a) {
  if (!a) return "<no attributes>";
  if (a->messageType == NVTX_MESSAGE_TYPE_ASCII && a->message.ascii) return a->message.ascii;
  return "<non-ASCII message>";
}
void record(std::string e) {
  std::lock_guard lock(injection_log().mu);
  injection_log().events.push_back(std::move(e));
}

nvtxDomainHandle_t NVTX_API domain_create(const char* name) {
  Log& l = injection_log();
  std::lock_guard lock(l.mu);
  l.domains.emplace_back(name ? name : "");
  return reinterpret_cast<nvtxDomainHandle_t>(&l.domains.back());
}
int NVTX_API domain_push(nvtxDomainHandle_t d, const nvtxEventAttributes_t* a) {
  record("+" + domain_name(d) + ":" + message_of(a));
  return 0;
}
int NVTX_API domain_pop(nvtxDomainHandle_t d) {
  record("-" + domain_name(d));
  return 0;
}
int NVTX_API push_a(const char* message) {
  record(std::string("+:") + (message ? message : ""));
  return 0;
}
int NVTX_API push_ex(const nvtxEventAttributes_t* a) {
  record("+:" + message_of(a));
  return 0;
}
int NVTX_API pop() {
  record("-");
  return 0;
}

template <class F>
void set(NvtxFunctionTable table, unsigned size, unsigned id, F f) {
  if (id < size && table[id]) *table[id] = reinterpret_cast<NvtxFunctionPointer>(f);
}

int NVTX_API initialize(NvtxGetExportTableFunc_t get_export_table) {
  const auto* cb = static_cast<const NvtxExportTableCallbacks*>(get_export_table(NVTX_ETID_CALLBACKS));
  if (!cb || !cb->GetModuleFunctionTable) return 0;
  NvtxFunctionTable core = nullptr, core2 = nullptr;
  unsigned core_size = 0, core2_size = 0;
  if (!cb->GetModuleFunctionTable(NVTX_CB_MODULE_CORE, &core, &core_size) ||
      !cb->GetModuleFunctionTable(NVTX_CB_MODULE_CORE2, &core2, &core2_size))
    return 0;
  set(core, core_size, NVTX_CBID_CORE_RangePushA, &push_a);
  set(core, core_size, NVTX_CBID_CORE_RangePushEx, &push_ex);
  set(core, core_size, NVTX_CBID_CORE_RangePop, &pop);
  set(core2, core2_size, NVTX_CBID_CORE2_DomainCreateA, &domain_create);
  set(core2, core2_size, NVTX_CBID_CORE2_DomainRangePushEx, &domain_push);
  set(core2, core2_size, NVTX_CBID_CORE2_DomainRangePop, &domain_pop);
  std::lock_guard lock(injection_log().mu);
  injection_log().initialized = true;
  return 1;
}

}  // namespace

bool nvtx_injection_initialized() {
  std::lock_guard lock(injection_log().mu);
  return injection_log().initialized;
}

std::vector<std::string> nvtx_injected_events() {
  std::lock_guard lock(injection_log().mu);
  return injection_log().events;
}

void clear_nvtx_injected_events() {
  std::lock_guard lock(injection_log().mu);
  injection_log().events.clear();
}

std::vector<std::string> nvtx_injected_domains() {
  std::lock_guard lock(injection_log().mu);
  return {injection_log().domains.begin(), injection_log().domains.end()};
}

}  // namespace looplab::test

// The strong definition NVTX's weak one yields to (nvtxDetail/nvtxInit.h, load sequence 2).
NvtxInitializeInjectionNvtxFunc_t InitializeInjectionNvtx2_fnptr = &looplab::test::initialize;
