// Hands a C++ buffer to numpy without copying: the array owns it through a capsule.
#pragma once
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstddef>
#include <memory>

namespace looplab::py {

namespace nb = nanobind;

template <class T>
nb::object to_numpy(std::unique_ptr<T[]> data, std::size_t n) {
  T* p = data.release();
  nb::capsule owner(p, [](void* q) noexcept { delete[] static_cast<T*>(q); });
  return nb::ndarray<nb::numpy, T, nb::ndim<1>>(p, {n}, owner).cast();
}

}  // namespace looplab::py
