// Hardware specs a user can see and choose: the datasheet specs of data/hardware and the host
// specs measured on this machine and kept in the store, each measured one with its date, machine
// and quality. A host spec measured under load is marked and never chosen silently: resolution
// takes the newest quiet spec of this machine, or measures a new one.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "simulator/hardware.hpp"
#include "store/store.hpp"

namespace looplab::lab {

struct HardwareEntry {
  std::string name;                // spec name ("h200", "host")
  std::string origin;              // "datasheet" (data/hardware) or "measured" (the store)
  std::optional<std::int64_t> id;  // store id of a measured spec
  std::string created_at;          // measured: when
  std::string machine;             // measured: the machine it describes
  std::string quality;             // measured: quiet | noisy | unusable | unknown (stored before quality)
  std::string quality_note;
  std::string spec_json;
  HardwareSpec spec;
};

// Datasheet specs by name, then the store's measured host specs, newest first. `store` may be null.
std::vector<HardwareEntry> list_hardware(store::Store* store);
// A datasheet name, a store id, or "host" (the newest quiet host spec of this machine).
std::optional<HardwareEntry> find_hardware(store::Store* store, const std::string& name_or_id, int threads);
// The newest quiet host spec measured on this machine with this many threads.
std::optional<HardwareEntry> newest_good_host(store::Store& store, int threads);

// Measures this machine in-process and keeps the spec in the store with its machine and quality.
struct MeasuredHost {
  HardwareEntry entry;
  std::string summary;  // one line: bandwidth, FLOP/s, quality
};
MeasuredHost measure_and_keep_host(store::Store& store);

using Progress = std::function<void(const std::string&)>;

// The spec a prediction uses, and where it came from.
struct HardwareChoice {
  HardwareSpec spec;
  std::string note;
  std::vector<std::string> warnings;  // e.g. the only host spec was measured under load
};
// --hardware NAME|FILE|host, else for the CPU backend the host spec (data/hardware/host.json, the
// newest quiet one of this machine in the store, or one measured now and kept), for a GPU the
// data/hardware spec whose name matches the device. `threads`: the CPU backend's thread count.
HardwareChoice resolve_hardware(store::Store* store, const std::string& backend, const std::string& device_name,
                                const std::optional<std::string>& requested, int threads, const Progress& say);

// For `predict --hardware NAME` and sweeps: a datasheet name or file as load_hardware() reads
// it, and "host" resolved like a run would (data/hardware/host.json, else the newest quiet host
// spec of this machine in the store `db`, opened read-only). Never measures.
HardwareSpec hardware_for_prediction(const std::string& name_or_path, const std::string& db);

// The CPU backend's thread count in this process (what a host spec must have been measured with).
int cpu_threads();

}  // namespace looplab::lab
