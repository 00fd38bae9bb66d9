// Move-only owners of a captured CUDA graph and its executable instance, and stream capture.
#pragma once
#include <cuda_runtime_api.h>

#include <functional>

namespace looplab::gpu {

class Graph {
 public:
  Graph() = default;
  explicit Graph(cudaGraph_t g) : g_(g) {}
  ~Graph();
  Graph(Graph&& o) noexcept : g_(o.g_) { o.g_ = nullptr; }
  Graph& operator=(Graph&& o) noexcept;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  cudaGraph_t get() const { return g_; }

 private:
  cudaGraph_t g_ = nullptr;
};

class GraphExec {
 public:
  GraphExec() = default;
  explicit GraphExec(const Graph& g);  // instantiates
  ~GraphExec();
  GraphExec(GraphExec&& o) noexcept : e_(o.e_) { o.e_ = nullptr; }
  GraphExec& operator=(GraphExec&& o) noexcept;
  GraphExec(const GraphExec&) = delete;
  GraphExec& operator=(const GraphExec&) = delete;

  bool valid() const { return e_ != nullptr; }
  void launch(cudaStream_t stream) const;
  cudaGraphExec_t get() const { return e_; }

 private:
  cudaGraphExec_t e_ = nullptr;
};

// An open stream capture: begun on construction, turned into a Graph by finish(); destroying an
// unfinished capture ends and discards it, so an exception mid-capture leaves the stream usable.
class StreamCapture {
 public:
  explicit StreamCapture(cudaStream_t stream);  // thread-local capture mode
  ~StreamCapture();
  StreamCapture(StreamCapture&& o) noexcept : stream_(o.stream_) { o.stream_ = nullptr; }
  StreamCapture& operator=(StreamCapture&&) = delete;
  StreamCapture(const StreamCapture&) = delete;
  StreamCapture& operator=(const StreamCapture&) = delete;
  Graph finish();

 private:
  cudaStream_t stream_ = nullptr;  // null once finished or moved from
};

// Captures everything `record` enqueues on `stream` (thread-local capture mode, so other threads'
// CUDA calls are not disturbed). If `record` throws, the capture is ended and discarded first.
Graph capture_graph(cudaStream_t stream, const std::function<void()>& record);

}  // namespace looplab::gpu
