// `looplab hardware list | show NAME|ID | measure | remove ID`: the specs predictions can use.
// Datasheet specs come from data/hardware; host specs are measured on this machine and kept in
// the store with their date, machine and quality (a measurement under load is marked "noisy" and
// never chosen silently).
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "engine/core/error.hpp"
#include "lab/hardware_catalog.hpp"
#include "lab/host_spec.hpp"
#include "simulator/format.hpp"
#include "store/store.hpp"

namespace looplab::cli {
namespace {

struct HardwareArgs {
  std::string db = "looplab.db";
  std::string name;
  std::int64_t id = 0;
  bool json = false;
};

nlohmann::json entry_json(const lab::HardwareEntry& e, bool with_spec) {
  nlohmann::json j = {{"name", e.name}, {"origin", e.origin}, {"description", e.spec.description}};
  if (e.id) j["id"] = *e.id;
  if (e.origin == "measured") {
    j["measured_at"] = e.created_at;
    j["machine"] = e.machine;
    j["quality"] = e.quality;
    j["quality_note"] = e.quality_note;
  }
  j["mem_bw_bytes_per_s"] = e.spec.mem_bw_bytes_per_s.value(Ceiling::measured);
  if (with_spec) j["spec"] = nlohmann::json::parse(e.spec_json);
  return j;
}

// The store when it exists (read-only: listing creates nothing); null otherwise.
std::unique_ptr<store::Store> open_if_there(const std::string& db) {
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) return nullptr;
  return store::open_store(db, store::OpenMode::read_only);
}

int list(const HardwareArgs& a) {
  auto s = open_if_there(a.db);
  const auto entries = lab::list_hardware(s.get());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries) out.push_back(entry_json(e, false));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-5s %-16s %-10s %-12s %-22s %s\n", "id", "name", "origin", "quality", "measured at",
              "machine / description");
  for (const auto& e : entries)
    std::printf("%-5s %-16s %-10s %-12s %-22s %s\n", e.id ? std::to_string(*e.id).c_str() : "-", e.name.c_str(),
                e.origin.c_str(), e.origin == "measured" ? e.quality.c_str() : "-",
                e.origin == "measured" ? e.created_at.substr(0, 19).c_str() : "-",
                e.origin == "measured" ? e.machine.c_str() : e.spec.description.c_str());
  if (!s) std::printf("(no store %s: no measured host specs; `looplab hardware measure` makes one)\n", a.db.c_str());
  std::printf("`--hardware host` uses the newest quiet host spec of this machine (%s)\n",
              host_machine_id(lab::cpu_threads()).c_str());
  return 0;
}

int show(const HardwareArgs& a) {
  auto s = open_if_there(a.db);
  const auto e = lab::find_hardware(s.get(), a.name, lab::cpu_threads());
  if (!e)
    throw InputError("name", "'" + a.name + "' is neither a spec in data/hardware nor a hardware id in " + a.db +
                                 " (`looplab hardware list`)");
  if (a.json) {
    std::cout << entry_json(*e, true).dump(2) << "\n";
    return 0;
  }
  const HardwareSpec& h = e->spec;
  std::printf("%s (%s%s)\n%s\n", e->name.c_str(), e->origin.c_str(),
              e->id ? (" " + std::to_string(*e->id)).c_str() : "", h.description.c_str());
  if (e->origin == "measured")
    std::printf("measured %s on %s: %s%s\n", e->created_at.c_str(), e->machine.c_str(), e->quality.c_str(),
                e->quality_note.empty() ? "" : (" (" + e->quality_note + ")").c_str());
  auto line = [](const char* what, const SpecNumber& n, std::string (*fmt)(double), const char* unit) {
    for (const auto& [which, v] : {std::pair{"datasheet", &n.datasheet}, std::pair{"measured", &n.measured},
                                   std::pair{"achievable", &n.achievable}})
      if (*v)
        std::printf("  %-18s %-10s %s%s  (%s)\n", what, which, fmt((*v)->value).c_str(), unit, (*v)->source.c_str());
  };
  line("memory bandwidth", h.mem_bw_bytes_per_s, format_bytes, "/s");
  line("bf16 peak", h.peak_flops_bf16, format_flops, "/s");
  line("fp32 peak", h.peak_flops_f32, format_flops, "/s");
  line("memory", h.memory_bytes, format_bytes, "");
  line("last-level cache", h.l2_bytes, format_bytes, "");
  line("launch (stream)", h.launch_stream_s, format_time, "");
  line("launch (graph)", h.launch_graph_s, format_time, "");
  return 0;
}

int measure(const HardwareArgs& a) {
  auto s = store::open_store(a.db, store::OpenMode::read_write);
  if (!a.json) std::fprintf(stderr, "looplab: measuring this machine (copy bandwidth, matmul FLOP/s; a few seconds)\n");
  const lab::MeasuredHost m = lab::measure_and_keep_host(*s);
  if (a.json) {
    std::cout << entry_json(m.entry, true).dump(2) << "\n";
    return 0;
  }
  std::printf("%s\nkept in %s", m.summary.c_str(), a.db.c_str());
  if (m.entry.quality != "quiet")
    std::printf("\nnote: measured under noise: `--hardware host` will not choose it; measure again on an idle machine");
  std::printf("\n");
  return 0;
}

int remove(const HardwareArgs& a) {
  auto s = store::open_store(a.db, store::OpenMode::read_write);
  if (!s->remove_hardware(a.id)) throw InputError("id", "no hardware spec " + std::to_string(a.id) + " in " + a.db);
  std::printf("removed hardware spec %lld from %s\n", static_cast<long long>(a.id), a.db.c_str());
  return 0;
}

Registered register_hardware(CLI::App& root) {
  auto* sub = root.add_subcommand("hardware",
                                  "hardware specs: the datasheets of data/hardware and the host specs "
                                  "measured on this machine");
  sub->require_subcommand(1);
  auto a = std::make_shared<HardwareArgs>();
  sub->add_option("--db", a->db, "results store that keeps measured host specs")->capture_default_str();
  auto* l = sub->add_subcommand("list", "every spec: name, origin, quality, when and where measured");
  l->add_flag("--json", a->json, "machine-readable output");
  auto* sh = sub->add_subcommand("show", "one spec with every number and its source");
  sh->add_option("name", a->name, "a name in data/hardware, a hardware id of the store, or host")->required();
  sh->add_flag("--json", a->json, "machine-readable output");
  auto* me = sub->add_subcommand("measure", "measure this machine as a host spec and keep it in the store");
  me->add_flag("--json", a->json, "machine-readable output");
  auto* rm = sub->add_subcommand("remove", "remove a measured spec that no run or calibration uses");
  rm->add_option("id", a->id, "hardware id (`looplab hardware list`)")->required();
  for (CLI::App* c : {l, sh, me, rm}) c->add_option("--db", a->db, "results store")->capture_default_str();
  return {sub, [a, l, sh, me, rm] {
            if (l->parsed()) return list(*a);
            if (sh->parsed()) return show(*a);
            if (me->parsed()) return measure(*a);
            if (rm->parsed()) return remove(*a);
            return 2;
          }};
}

const Registrar kHardware(register_hardware);

}  // namespace
}  // namespace looplab::cli
