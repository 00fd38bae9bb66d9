// export_run_trace: the track layout and the streaming order (steps, ops, predictions, API
// calls, kernels), each from its own store cursor.
#include "lab/run_trace.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "engine/core/error.hpp"
#include "profiler/trace_writer.hpp"

namespace looplab::lab {

using namespace store;

namespace {

constexpr int kHostTid = 1;
constexpr int kUnattributedTid = 2;
constexpr int kFirstApiTid = 100;
constexpr int kLanesPerStream = 8;

std::string num(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  profiler::ChromeTraceWriter::append_escaped(out, s);
  return out + "\"";
}

// Predicted ops of one step, written once the step's total is known.
struct PendingStep {
  std::int64_t step = -1;
  std::vector<PredictionRow> ops;
};

// Writes one run's tracks with process ids pid_base + 1 (measured), + 2 (device), + 3 (predicted).
void write_run(profiler::ChromeTraceWriter& w, Store& store, RunId run, const RunInfo* info, int pid_base,
               TraceExportStats& st) {
  const int kMeasuredPid = pid_base + 1, kDevicePid = pid_base + 2, kPredictedPid = pid_base + 3;
  // Correlation ids restart in every process, so a flow's id carries the run as well.
  auto flow_id = [run](std::int64_t correlation) {
    return (static_cast<std::uint64_t>(run) << 32) | static_cast<std::uint32_t>(correlation);
  };

  // The verdict leads the track's name: a noisy run says so wherever the trace is opened.
  const std::string verdict = info->stats.verdict.empty() ? std::string("no verdict") : info->stats.verdict;
  w.process_name(kMeasuredPid, "run " + std::to_string(run) + " measured [" + verdict + "]: " + info->model + " " +
                                   info->variant + " on " + info->backend + " (" + info->tracer + " tracer)");
  w.process_sort_index(kMeasuredPid, kMeasuredPid);
  w.thread_name(kMeasuredPid, kHostTid, "host thread: steps and plan ops");
  w.thread_sort_index(kMeasuredPid, kHostTid, 1);
  w.thread_name(kMeasuredPid, kUnattributedTid, "unattributed: step wall time minus its ops");
  w.thread_sort_index(kMeasuredPid, kUnattributedTid, 2);

  // Measured steps, then ops: each step encloses its ops on the same track. Each step's
  // unattributed time is a slice of that length at the step's start on a track of its own.
  std::int64_t origin = -1;
  std::map<std::int64_t, std::int64_t> first_start;  // step index -> start in the first repeat
  store.for_each_step(run, [&](const StepRow& s) {
    if (origin < 0) origin = s.start_ns;
    first_start.emplace(s.step_index, s.start_ns);
    w.complete(kMeasuredPid, kHostTid, s.phase + " step " + std::to_string(s.step_index), "step", s.start_ns,
               s.end_ns - s.start_ns,
               "\"repeat\":" + std::to_string(s.repeat_index) + ",\"step\":" + std::to_string(s.step_index) +
                   ",\"batch\":" + std::to_string(s.batch) + ",\"context_len\":" + std::to_string(s.context_len) +
                   ",\"unattributed_us\":" + num(static_cast<double>(s.unattributed_ns) * 1e-3));
    if (s.unattributed_ns > 0)
      w.complete(kMeasuredPid, kUnattributedTid, "unattributed", "unattributed", s.start_ns, s.unattributed_ns,
                 "\"step\":" + std::to_string(s.step_index) + ",\"repeat\":" + std::to_string(s.repeat_index));
  });
  store.for_each_op(run, [&](const OpRow& o) {
    std::string args = "\"repeat\":" + std::to_string(o.repeat_index) + ",\"step\":" + std::to_string(o.step_index) +
                       ",\"op_index\":" + std::to_string(o.op_index) + ",\"kind\":" + json_string(o.kind) +
                       ",\"rows\":" + std::to_string(o.rows) + ",\"n\":" + std::to_string(o.n) +
                       ",\"k\":" + std::to_string(o.k) + ",\"kv_len\":" + std::to_string(o.kv_len);
    if (o.device_ns)
      args += ",\"device_us\":" + num(static_cast<double>(*o.device_ns) * 1e-3) +
              ",\"kernels\":" + std::to_string(o.kernels);
    w.complete(kMeasuredPid, kHostTid, o.name, "op", o.start_ns, o.end_ns - o.start_ns, args);
  });

  // The prediction: each predicted step starts where the same step of the first measured repeat
  // started, its ops end to end. Boundaries are rounded from the running sum, so adjacent ops
  // share their boundary exactly and never overlap.
  w.process_name(kPredictedPid, "run " + std::to_string(run) + " predicted: " + info->variant + " on " +
                                    (info->hardware.empty() ? std::string("?") : info->hardware) +
                                    " (each step aligned with its measured step)");
  w.process_sort_index(kPredictedPid, kPredictedPid);
  w.thread_name(kPredictedPid, 1, "predicted plan ops");
  // A predicted step longer than the time until the next measured step goes to another lane,
  // so no track holds partially overlapping slices.
  std::vector<std::int64_t> predicted_lane_end;
  double t_s = 0;
  std::int64_t base = origin < 0 ? 0 : origin;
  PendingStep pending;
  auto flush_step = [&]() {
    if (pending.ops.empty()) return;
    if (auto it = first_start.find(pending.step); it != first_start.end()) {
      base = it->second;
      t_s = 0;
    }
    auto at = [&](double s) { return base + static_cast<std::int64_t>(s * 1e9 + 0.5); };
    double step_start = t_s, total = 0;
    for (const PredictionRow& p : pending.ops) total += p.time_s;
    std::size_t lane = 0;
    while (lane < predicted_lane_end.size() && predicted_lane_end[lane] > at(step_start)) ++lane;
    if (lane == predicted_lane_end.size()) {
      predicted_lane_end.push_back(0);
      if (lane > 0)
        w.thread_name(kPredictedPid, static_cast<int>(lane + 1),
                      "predicted plan ops (overlap " + std::to_string(lane) + ")");
    }
    predicted_lane_end[lane] = at(step_start + total);
    const int tid = static_cast<int>(lane + 1);
    w.complete(kPredictedPid, tid, "predicted step " + std::to_string(pending.step), "predicted step", at(step_start),
               at(step_start + total) - at(step_start), "\"predicted_us\":" + num(total * 1e6));
    for (const PredictionRow& p : pending.ops) {
      std::int64_t a = at(t_s), b = at(t_s + p.time_s);
      w.complete(kPredictedPid, tid, p.name, "predicted op", a, b - a,
                 "\"step\":" + std::to_string(p.step_index) + ",\"op_index\":" + std::to_string(p.op_index) +
                     ",\"kind\":" + json_string(p.kind) + ",\"predicted_us\":" + num(p.time_s * 1e6) + ",\"bound\":" +
                     json_string(p.bound) + ",\"flops\":" + num(p.flops) + ",\"bytes\":" + num(p.bytes));
      t_s += p.time_s;
    }
    t_s = step_start + total;
    pending.ops.clear();
  };
  store.for_each_prediction(run, [&](const PredictionRow& p) {
    if (p.step_index != pending.step) {
      flush_step();
      pending.step = p.step_index;
    }
    pending.ops.push_back(p);
  });
  flush_step();

  // Kernels' correlation ids (4 bytes each) decide which API calls start a flow arrow.
  std::vector<std::int64_t> launched;
  store.for_each_kernel(run, [&](const KernelRow& k) { launched.push_back(k.correlation_id); });
  std::sort(launched.begin(), launched.end());
  launched.erase(std::unique(launched.begin(), launched.end()), launched.end());
  std::vector<std::int64_t> flow_ids;  // correlation ids whose launch got a flow start
  std::vector<char> flow_started(launched.size(), 0);
  std::map<std::int64_t, int> api_tid;  // Nsight globalTid -> track
  store.for_each_api_call(run, [&](const ApiCallRow& a) {
    auto [it, fresh] = api_tid.emplace(a.global_tid, kFirstApiTid + static_cast<int>(api_tid.size()));
    if (fresh) {
      w.thread_name(kMeasuredPid, it->second, "CUDA API (thread " + std::to_string(a.global_tid % 0x1000000) + ")");
      w.thread_sort_index(kMeasuredPid, it->second, it->second);
    }
    w.complete(
        kMeasuredPid, it->second, a.name, "cuda api", a.start, a.end - a.start,
        "\"correlationId\":" + std::to_string(a.correlation_id) + ",\"returnValue\":" + std::to_string(a.return_value));
    // One arrow per launch: a runtime call and the driver call inside it may share the id.
    auto l = std::lower_bound(launched.begin(), launched.end(), a.correlation_id);
    if (a.correlation_id != 0 && l != launched.end() && *l == a.correlation_id &&
        !flow_started[static_cast<std::size_t>(l - launched.begin())]) {
      flow_started[static_cast<std::size_t>(l - launched.begin())] = 1;
      w.flow_start(kMeasuredPid, it->second, flow_id(a.correlation_id), a.start, "launch");
      flow_ids.push_back(a.correlation_id);
      ++st.flows;
    }
  });

  // Kernels per stream; a kernel that overlaps its predecessor on the stream (programmatic
  // dependent launch) goes to an extra lane so no track holds partially overlapping slices.
  std::map<std::int64_t, std::vector<std::int64_t>> lane_end;  // stream -> end of each lane
  std::sort(flow_ids.begin(), flow_ids.end());
  flow_ids.erase(std::unique(flow_ids.begin(), flow_ids.end()), flow_ids.end());
  std::vector<char> flow_ended(flow_ids.size(), 0);  // a graph launch feeds many kernels: one arrow
  bool device_named = false;
  store.for_each_kernel(run, [&](const KernelRow& k) {
    if (!device_named) {
      w.process_name(kDevicePid, "GPU " + std::to_string(k.device_id) + " " + info->device_name);
      w.process_sort_index(kDevicePid, kDevicePid);
      device_named = true;
    }
    auto& lanes = lane_end[k.stream_id];
    std::size_t lane = 0;
    while (lane < lanes.size() && lanes[lane] > k.start) ++lane;
    if (lane == lanes.size()) {
      if (lane >= kLanesPerStream) lane = kLanesPerStream - 1;  // pathological overlap: share the last lane
      if (lane == lanes.size()) {
        lanes.push_back(0);
        int tid = static_cast<int>(k.stream_id) * kLanesPerStream + static_cast<int>(lane);
        w.thread_name(
            kDevicePid, tid,
            "stream " + std::to_string(k.stream_id) + (lane ? " (overlap " + std::to_string(lane) + ")" : ""));
        w.thread_sort_index(kDevicePid, tid, tid);
      }
    }
    lanes[lane] = std::max(lanes[lane], k.end);
    int tid = static_cast<int>(k.stream_id) * kLanesPerStream + static_cast<int>(lane);
    std::string args = "\"correlationId\":" + std::to_string(k.correlation_id) + ",\"grid\":\"" +
                       std::to_string(k.grid_x) + "," + std::to_string(k.grid_y) + "," + std::to_string(k.grid_z) +
                       "\",\"block\":\"" + std::to_string(k.block_x) + "," + std::to_string(k.block_y) + "," +
                       std::to_string(k.block_z) + "\",\"registers\":" + std::to_string(k.registers_per_thread);
    if (k.step_index && k.op_index)
      args += ",\"step\":" + std::to_string(*k.step_index) + ",\"op_index\":" + std::to_string(*k.op_index);
    w.complete(kDevicePid, tid, k.short_name.empty() ? k.name : k.short_name, "kernel", k.start, k.end - k.start, args);
    auto f = std::lower_bound(flow_ids.begin(), flow_ids.end(), k.correlation_id);
    if (f != flow_ids.end() && *f == k.correlation_id && !flow_ended[static_cast<std::size_t>(f - flow_ids.begin())]) {
      flow_ended[static_cast<std::size_t>(f - flow_ids.begin())] = 1;
      w.flow_end(kDevicePid, tid, flow_id(k.correlation_id), k.start, "launch");
    }
  });
}

}  // namespace

TraceExportStats export_runs_trace(Store& store, const std::vector<RunId>& runs, const std::filesystem::path& path) {
  std::vector<RunInfo> infos;
  for (RunId run : runs) {
    auto info = store.get_run(run);
    if (!info) throw InputError("run", "no run " + std::to_string(run) + " in the store");
    infos.push_back(*info);
  }
  profiler::ChromeTraceWriter w(path);
  TraceExportStats st;
  std::string ids, verdicts, all_complete = "true";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    write_run(w, store, runs[i], &infos[i], static_cast<int>(10 * i), st);
    ids += (i ? "," : "") + std::to_string(runs[i]);
    verdicts += (i ? "," : "") + json_string(infos[i].stats.verdict);
    if (!infos[i].complete) all_complete = "false";
  }
  const RunInfo& first = infos.front();
  w.finish("\"runs\":[" + ids + "],\"verdicts\":[" + verdicts + "],\"model\":" + json_string(first.model) +
           ",\"backend\":" + json_string(first.backend) + ",\"engine_commit\":" + json_string(first.engine_commit) +
           ",\"complete\":" + all_complete);
  st.events = w.events();
  st.uncompressed_bytes = w.uncompressed_bytes();
  return st;
}

TraceExportStats export_run_trace(Store& store, RunId run, const std::filesystem::path& path) {
  return export_runs_trace(store, {run}, path);
}

}  // namespace looplab::lab
