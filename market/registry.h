#pragma once
// A name -> factory table for one kind of pluggable part (choice models, policies). Parts register
// themselves from their own .cpp file with a static Registrar, so adding a part means adding a file.
// The libraries holding parts are linked whole-archive (see CMakeLists.txt), otherwise the linker
// would drop the registering objects; tests/registry_test.cpp lists the names to catch that.
// Parts that need LibTorch live in a library loaded on first need (torch_parts.h): a name not
// found loads it and is looked up again, and listing the names loads it first.

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "market/torch_parts.h"

namespace bundlesim {

template <class Factory>
class Registry {
 public:
  static Registry& instance() {
    static Registry registry;
    return registry;
  }
  void add(const std::string& name, Factory factory) { factories_[name] = std::move(factory); }
  // Returns nullptr when nothing is registered under `name`.
  const Factory* find(const std::string& name) const {
    auto it = factories_.find(name);
    if (it == factories_.end() && load_torch_parts()) it = factories_.find(name);
    return it == factories_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    load_torch_parts();
    std::vector<std::string> out;
    for (const auto& [name, factory] : factories_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, Factory> factories_;
};

// A function of the torch parts, registered under `name` as a Function (a function pointer type):
// callers see a plain function, and the library is loaded on the first call.
template <class Function>
Function torch_function(const std::string& name) {
  const Function* function = Registry<Function>::instance().find(name);
  if (!function) throw std::logic_error("the LibTorch parts of bundlesim do not register \"" + name + "\"");
  return *function;
}

template <class Factory>
struct Registrar {
  Registrar(const std::string& name, Factory factory) {
    Registry<Factory>::instance().add(name, std::move(factory));
  }
};

}  // namespace bundlesim
