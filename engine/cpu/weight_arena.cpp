// WeightArena: an anonymous mapping rounded up to 2 MiB, madvise(MADV_HUGEPAGE) where available.
#include "engine/cpu/weight_arena.hpp"

#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace looplab::cpu {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
std::size_t round_up(std::size_t v, std::size_t a) { return (v + a - 1) / a * a; }
}  // namespace

void ArenaFree::operator()(float* p) const {
#if defined(__linux__)
  munmap(p, bytes);
#else
  ::operator delete (p, std::align_val_t{kHugePage});
#endif
}

void WeightArena::reset(std::size_t floats) {
  block_.reset();
  capacity_ = floats;
  used_ = 0;
  if (floats == 0) return;
  const std::size_t bytes = round_up(floats * sizeof(float), kHugePage);
#if defined(__linux__)
  // Map one huge page more than needed and trim to a 2 MiB boundary, so the block starts on one.
  void* raw = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  // Pointer arithmetic from the mapping itself (no integer-to-pointer casts): `lead` bytes up to
  // the boundary are unmapped in front, the rest of the spare page behind the block.
  const auto addr = reinterpret_cast<std::uintptr_t>(raw);
  const std::size_t lead = round_up(addr, kHugePage) - addr;
  char* const start = static_cast<char*>(raw) + lead;
  if (lead > 0) munmap(raw, lead);
  if (const std::size_t tail = kHugePage - lead; tail > 0) munmap(start + bytes, tail);
  auto* p = reinterpret_cast<float*>(start);
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without THP the block keeps 4 KiB pages
#endif
  // Anonymous pages come zeroed.
#else
  auto* p = static_cast<float*>(::operator new (bytes, std::align_val_t{kHugePage}));
  std::memset(p, 0, bytes);
#endif
  block_ = std::unique_ptr<float, ArenaFree>(p, ArenaFree{bytes});
}

std::span<float> WeightArena::take(std::size_t n) {
  if (used_ + n > capacity_) throw std::logic_error("WeightArena: take() past the reserved size");
  std::span<float> s(block_.get() + used_, n);
  used_ += n;
  return s;
}

}  // namespace looplab::cpu
