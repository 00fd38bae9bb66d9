// The mutations of mutate.hpp.
#include "tests/fuzz/mutate.hpp"

#include <algorithm>

namespace looplab::fuzz {

using nlohmann::json;

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

namespace {

// Serializes even strings that are not UTF-8 (a mutation may make them); byte mutations bring
// raw invalid bytes in anyway.
std::string dump(const json& j, int indent = -1) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

// Numbers a field meets at and beyond its limits; the last ones are not representable as a
// double and go in as text.
const std::vector<std::string> kEdgeNumbers = {"0",
                                               "-1",
                                               "1",
                                               "2",
                                               "3",
                                               "7",
                                               "-7",
                                               "0.5",
                                               "-0.0",
                                               "1e-320",
                                               "2147483647",
                                               "2147483648",
                                               "4294967296",
                                               "9007199254740993",
                                               "9223372036854775807",
                                               "9223372036854775808",
                                               "18446744073709551616",
                                               "-9223372036854775808",
                                               "1e18",
                                               "1e308",
                                               "-1e308",
                                               "1e400",
                                               "-1e400",
                                               "1e-400",
                                               "123456789012345678901234567890"};

json random_value(Rng& rng, int depth) {
  switch (rng.below(depth > 2 ? 6 : 8)) {
    case 0:
      return nullptr;
    case 1:
      return rng.chance(50);
    case 2:
      return json::parse(rng.pick(std::vector<std::string>{"0", "-1", "1", "2", "0.5", "1e308", "-3"}));
    case 3:
      return std::string(rng.below(8), 'x');
    case 4:
      return std::string("vanilla");
    case 5:
      return std::string(rng.chance(10) ? 100000 : 1 + rng.below(40), "a\n\t\x01\xff"[rng.below(5)]);
    case 6: {
      json a = json::array();
      for (std::size_t i = 0, n = rng.below(4); i < n; ++i) a.push_back(random_value(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (std::size_t i = 0, n = rng.below(3); i < n; ++i) o["k" + std::to_string(i)] = random_value(rng, depth + 1);
      return o;
    }
  }
}

// Every value's JSON pointer, so a mutation can reach any depth.
void collect(const json& j, const json::json_pointer& at, std::vector<json::json_pointer>& out) {
  out.push_back(at);
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it) collect(it.value(), at / it.key(), out);
  else if (j.is_array())
    for (std::size_t i = 0; i < j.size(); ++i) collect(j[i], at / i, out);
}

}  // namespace

std::string edge_value(Rng& rng) {
  switch (rng.below(6)) {
    case 0:
    case 1:
      return rng.pick(kEdgeNumbers);
    case 2:
      return rng.pick(std::vector<std::string>{"", " ", "abc", "-", "--", "nan", "inf", "-inf", "0x10", "1,2"});
    case 3:
      return std::string(1 + rng.below(100000), 'z');
    case 4:
      return rng.pick(std::vector<std::string>{"\xff\xfe", "\n", "a\nb", "\x1b[31m", "é", "../../x", "/"});
    default:
      return std::to_string(static_cast<std::int64_t>(rng.next() >> rng.below(64)));
  }
}

std::string mutate_json(const json& doc, Rng& rng, std::string& what) {
  json j = doc;
  std::vector<json::json_pointer> paths;
  collect(j, json::json_pointer(), paths);
  const json::json_pointer at = rng.pick(paths);
  const std::string where = at.to_string().empty() ? "/" : at.to_string();
  switch (rng.below(8)) {
    case 0: {  // remove the value (or the whole document's first key)
      if (at.empty()) {
        if (j.is_object() && !j.empty()) j.erase(j.begin());
      } else {
        json& parent = j[at.parent_pointer()];
        if (parent.is_object())
          parent.erase(at.back());
        else if (parent.is_array() && !parent.empty())
          parent.erase(parent.begin());
      }
      what = "remove " + where;
      break;
    }
    case 1:  // a value of another type
      j[at] = random_value(rng, 0);
      what = "retype " + where;
      break;
    case 2: {  // an edge number, beyond-double ones as text
      const std::string n = rng.pick(kEdgeNumbers);
      const std::string marker = "\"@@EDGE@@\"";
      j[at] = "@@EDGE@@";
      std::string text = dump(j);
      text.replace(text.find(marker), marker.size(), n);
      what = "number " + n + " at " + where;
      return text;
    }
    case 3: {  // an unknown key
      if (!j[at].is_object()) j[at] = json::object();
      j[at]["unknown_key_" + std::to_string(rng.below(10))] = random_value(rng, 0);
      what = "unknown key under " + where;
      break;
    }
    case 4: {  // deep nesting in place of the value
      const std::size_t depth = rng.chance(30) ? 100000 : 60 + rng.below(20);
      const std::string marker = "\"@@DEEP@@\"";
      j[at] = "@@DEEP@@";
      std::string text = dump(j);
      text.replace(text.find(marker), marker.size(), std::string(depth, '[') + std::string(depth, ']'));
      what = "nesting " + std::to_string(depth) + " at " + where;
      return text;
    }
    case 5:  // a long string
      j[at] = std::string(rng.chance(20) ? 1 << 20 : 1000, 's');
      what = "long string at " + where;
      break;
    case 6: {  // a container emptied or the document replaced
      if (at.empty())
        j = random_value(rng, 0);
      else
        j[at] = rng.chance(50) ? json::array() : json::object();
      what = "empty container at " + where;
      break;
    }
    default: {  // the key renamed (a typo)
      if (!at.empty() && j[at.parent_pointer()].is_object()) {
        json v = j[at];
        json& parent = j[at.parent_pointer()];
        parent.erase(at.back());
        parent[at.back() + "s"] = v;
      }
      what = "rename " + where;
      break;
    }
  }
  return dump(j, rng.chance(50) ? 2 : -1);
}

std::string mutate_bytes(const std::string& bytes, Rng& rng, std::string& what) {
  std::string b = bytes;
  if (b.empty()) {
    what = "random bytes";
    for (std::size_t i = 0, n = 1 + rng.below(64); i < n; ++i) b.push_back(static_cast<char>(rng.below(256)));
    return b;
  }
  switch (rng.below(4)) {
    case 0: {
      const std::size_t flips = 1 + rng.below(8);
      for (std::size_t i = 0; i < flips; ++i) b[rng.below(b.size())] ^= static_cast<char>(1 << rng.below(8));
      what = std::to_string(flips) + " bit flips";
      break;
    }
    case 1: {
      const std::size_t n = rng.below(b.size());
      b.resize(n);
      what = "truncated to " + std::to_string(n) + " bytes";
      break;
    }
    case 2: {
      const std::size_t at = rng.below(b.size()), n = std::min<std::size_t>(1 + rng.below(256), b.size() - at);
      b.erase(at, n);
      what = "deleted " + std::to_string(n) + " bytes at " + std::to_string(at);
      break;
    }
    default: {
      const std::size_t at = rng.below(b.size() + 1), n = 1 + rng.below(64);
      std::string ins;
      for (std::size_t i = 0; i < n; ++i) ins.push_back(static_cast<char>(rng.below(256)));
      b.insert(at, ins);
      what = "inserted " + std::to_string(n) + " bytes at " + std::to_string(at);
      break;
    }
  }
  return b;
}

std::string mutate_text(const json& doc, Rng& rng, std::string& what) {
  if (rng.chance(75)) return mutate_json(doc, rng, what);
  return mutate_bytes(dump(doc, 2), rng, what);
}

}  // namespace looplab::fuzz
