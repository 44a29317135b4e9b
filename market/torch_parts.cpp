#include "market/torch_parts.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace bundlesim {
namespace {

constexpr const char* kFileName = "libbundlesim_torch.so";

std::vector<std::string> candidates() {
  if (const char* env = std::getenv("BUNDLESIM_TORCH_PARTS"); env && *env) return {env};  // and nowhere else
  std::vector<std::string> paths;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string dir(exe, n);
    dir = dir.substr(0, dir.rfind('/'));
    paths.push_back(dir + "/" + kFileName);
  }
  paths.push_back(BUNDLESIM_TORCH_PARTS_PATH);
  return paths;
}

}  // namespace

bool load_torch_parts() {
  static std::mutex mutex;
  static bool loaded = false;
  std::lock_guard<std::mutex> lock(mutex);
  if (loaded) return false;
  std::string reasons;
  for (const std::string& path : candidates()) {
    if (access(path.c_str(), F_OK) != 0) continue;
    // RTLD_NOW: a missing symbol fails here, with its name, rather than at some later call.
    if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
      loaded = true;
      return true;
    }
    const char* why = dlerror();
    reasons += "; " + path + ": " + (why ? why : "unknown error");
  }
  if (reasons.empty()) {
    reasons = "; not found at";
    for (const std::string& path : candidates()) reasons += " " + path;
  }
  throw std::runtime_error(std::string("can't load the LibTorch parts of bundlesim (") + kFileName + ")" + reasons);
}

}  // namespace bundlesim
