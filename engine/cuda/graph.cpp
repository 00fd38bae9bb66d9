// Graph owners and stream capture.
#include "engine/cuda/graph.hpp"

#include "engine/cuda/check.hpp"

namespace looplab::gpu {

Graph::~Graph() {
  if (g_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaGraphDestroy(g_));
}
Graph& Graph::operator=(Graph&& o) noexcept {
  if (this != &o) {
    if (g_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaGraphDestroy(g_));
    g_ = o.g_;
    o.g_ = nullptr;
  }
  return *this;
}

GraphExec::GraphExec(const Graph& g) { LOOPLAB_CUDA_CHECK(cudaGraphInstantiate(&e_, g.get(), 0)); }
GraphExec::~GraphExec() {
  if (e_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaGraphExecDestroy(e_));
}
GraphExec& GraphExec::operator=(GraphExec&& o) noexcept {
  if (this != &o) {
    if (e_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaGraphExecDestroy(e_));
    e_ = o.e_;
    o.e_ = nullptr;
  }
  return *this;
}
void GraphExec::launch(cudaStream_t stream) const { LOOPLAB_CUDA_CHECK(cudaGraphLaunch(e_, stream)); }

Graph capture_graph(cudaStream_t stream, const std::function<void()>& record) {
  LOOPLAB_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  try {
    record();
  } catch (...) {
    cudaGraph_t partial = nullptr;
    (void)cudaStreamEndCapture(stream, &partial);  // leaves the stream usable again
    if (partial != nullptr) (void)cudaGraphDestroy(partial);
    (void)cudaGetLastError();
    throw;
  }
  cudaGraph_t g = nullptr;
  LOOPLAB_CUDA_CHECK(cudaStreamEndCapture(stream, &g));
  return Graph(g);
}

}  // namespace looplab::gpu
