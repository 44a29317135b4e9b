#pragma once
// A name -> factory table for one kind of pluggable part (choice models, policies). Parts register
// themselves from their own .cpp file with a static Registrar, so adding a part means adding a file.
// The libraries holding parts are linked whole-archive (see CMakeLists.txt), otherwise the linker
// would drop the registering objects; tests/registry_test.cpp lists the names to catch that.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

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
    return it == factories_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, factory] : factories_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, Factory> factories_;
};

template <class Factory>
struct Registrar {
  Registrar(const std::string& name, Factory factory) {
    Registry<Factory>::instance().add(name, std::move(factory));
  }
};

}  // namespace bundlesim
