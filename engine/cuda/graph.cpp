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

StreamCapture::StreamCapture(cudaStream_t stream) {
  LOOPLAB_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  stream_ = stream;
}

StreamCapture::~StreamCapture() {
  if (stream_ == nullptr) return;
  cudaGraph_t partial = nullptr;
  (void)cudaStreamEndCapture(stream_, &partial);  // leaves the stream usable again
  if (partial != nullptr) (void)cudaGraphDestroy(partial);
  (void)cudaGetLastError();  // an invalidated capture leaves an error behind; it is ours, not the caller's
}

Graph StreamCapture::finish() {
  cudaGraph_t g = nullptr;
  cudaStream_t s = stream_;
  stream_ = nullptr;
  LOOPLAB_CUDA_CHECK(cudaStreamEndCapture(s, &g));
  return Graph(g);
}

Graph capture_graph(cudaStream_t stream, const std::function<void()>& record) {
  StreamCapture capture(stream);
  record();
  return capture.finish();
}

}  // namespace looplab::gpu
