// `looplab calibrate-host`: measures this machine for the simulator's `host` spec: copy bandwidth
// (OpenMP threads, reads + writes counted), the FLOP/s of the CPU backend's matmul_nt, and the
// fixed cost of a tiny matmul_nt call as the per-op overhead (lab/host_spec.cpp), with the
// measurement's quality. Writes the spec only with --out (all or nothing, from any directory);
// `looplab hardware measure` keeps it in the store instead.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "engine/core/atomic_file.hpp"
#include "engine/core/error.hpp"
#include "lab/host_spec.hpp"
#include "simulator/format.hpp"
#include "simulator/hardware.hpp"

namespace looplab::cli {

namespace {

struct HostArgs {
  std::optional<std::string> out;
  std::int64_t copy_mib = 256;
  int repetitions = 15;
  bool json = false;
};

Registered register_calibrate_host(CLI::App& root) {
  auto* sub = root.add_subcommand("calibrate-host",
                                  "measure this machine (copy bandwidth, CPU matmul FLOP/s) as a `host` hardware spec");
  auto a = std::make_shared<HostArgs>();
  sub->add_option("--out", a->out, "write the spec to FILE (given without a value: ./host.json)")->expected(0, 1);
  sub->add_option("--copy-mib", a->copy_mib, "size of the copied buffer")->capture_default_str();
  sub->add_option("--repetitions", a->repetitions, "timed repetitions per measurement (median)")->capture_default_str();
  sub->add_flag("--json", a->json, "print the spec as JSON");
  return {sub, [a, sub] {
            if (a->copy_mib < 1 || a->copy_mib > 65536) throw InputError("copy-mib", "must be in 1..65536");
            if (a->repetitions < 1 || a->repetitions > 10000) throw InputError("repetitions", "must be in 1..10000");
            std::string out_path;
            if (sub->count("--out") > 0) out_path = a->out && !a->out->empty() ? *a->out : "host.json";
            if (!out_path.empty()) {  // a bad folder fails before the measurement
              const std::filesystem::path p(out_path);
              const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : ".";
              std::error_code ec;
              if (!std::filesystem::is_directory(dir, ec))
                throw InputError("out", "the folder " + dir.string() + " of " + out_path + " does not exist");
            }
            const HostMeasurement m = measure_host({a->copy_mib, a->repetitions});
            const HardwareSpec& h = m.spec;
            const std::string text = hardware_to_json(h).dump(2) + "\n";
            if (!out_path.empty()) write_file_atomically(out_path, text);
            if (a->json) {
              std::cout << text;
              return 0;
            }
            std::printf("host: %s\n", h.description.c_str());
            std::printf("  copy bandwidth     %s/s (reads + writes)\n",
                        format_bytes(h.mem_bw_bytes_per_s.value(Ceiling::measured)).c_str());
            std::printf("  matmul_nt fp32     %s/s\n", format_flops(h.peak_flops_f32.value(Ceiling::measured)).c_str());
            std::printf("  per-op overhead    %s\n", format_time(h.launch_stream_s.value(Ceiling::measured)).c_str());
            std::printf("  memory             %s\n", format_bytes(h.memory_bytes.value(Ceiling::measured)).c_str());
            std::printf("  last-level cache   %s\n", format_bytes(h.l2_bytes.value(Ceiling::measured)).c_str());
            std::printf("  quality            %s%s\n", m.quality.c_str(),
                        m.quality_note.empty() ? "" : (" (" + m.quality_note + ")").c_str());
            if (out_path.empty())
              std::printf("not written: pass --out [FILE] (e.g. --out data/hardware/host.json)\n");
            else
              std::printf("written to %s: use it with --hardware %s\n", out_path.c_str(), out_path.c_str());
            return 0;
          }};
}

const Registrar kCalibrateHost(register_calibrate_host);

}  // namespace
}  // namespace looplab::cli
