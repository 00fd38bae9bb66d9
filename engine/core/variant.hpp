// The five variants of the PLT ablation ladder (paper Table 2) and the dtypes looplab knows.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace looplab {

enum class Variant : std::uint8_t { vanilla, looped, clp, clp_share, plt };
inline constexpr Variant kAllVariants[] = {Variant::vanilla, Variant::looped, Variant::clp, Variant::clp_share,
                                           Variant::plt};

std::string_view to_string(Variant v);
std::optional<Variant> parse_variant(std::string_view s);

// True for the variants that run all loops of a decode step in one pass over B*L rows.
constexpr bool is_cross_loop(Variant v) { return v == Variant::clp || v == Variant::clp_share || v == Variant::plt; }
// True where every loop >= 2 attends to loop 1's (shared) cache.
constexpr bool shares_kv(Variant v) { return v == Variant::clp_share || v == Variant::plt; }

enum class DType : std::uint8_t { f32, bf16 };
std::string_view to_string(DType t);
std::optional<DType> parse_dtype(std::string_view s);
constexpr std::int64_t bytes_per_element(DType t) { return t == DType::f32 ? 4 : 2; }

}  // namespace looplab
