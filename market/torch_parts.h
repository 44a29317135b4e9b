#pragma once
// The parts that need LibTorch (the neural choice model and its training, the matrix_factorization
// and rl_bundler policies, offline evaluation's reward model, `train` and `bench --neural`) are
// built into their own shared library, libbundlesim_torch.so, which is loaded the first time one of
// them is asked for. Loading LibTorch costs every process about 0.6 s (its static initialisers);
// most commands and tests never need it. The library's parts register themselves by name
// (registry.h), and a name a registry does not know loads the library and is looked up again.
// The library binds to the core's symbols in the executable that loads it (which exports them), so
// there is one copy of every registry.

namespace bundlesim {

// Loads the torch parts unless already loaded. Returns true when this call loaded them (so a lookup
// that failed is worth repeating). Throws std::runtime_error, naming the file and the loader's
// reason, when the library can't be loaded. Looks for it in $BUNDLESIM_TORCH_PARTS if set (and
// then nowhere else), else next to the executable, then where the build put it.
bool load_torch_parts();

}  // namespace bundlesim
