// `bundlesim train --logs EVENTS.csv --out MODEL.pt`: trains the `neural` choice model on an event
// log, prints held-out metrics and writes MODEL.pt with its sidecar MODEL.pt.json.

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "market/neural_choice.h"
#include "reports/run_summary.h"
#include "sim/decision_log.h"
#include "tools/command_line.h"
#include "tools/commands.h"

namespace bundlesim {
namespace {

constexpr const char* kHelp = R"(usage: bundlesim train --logs EVENTS.csv --out MODEL.pt [options]

Trains a neural choice model (a latent-class mixture of conditional logits over each menu with an
outside option, its utilities from a network over segment, item embeddings and offer features,
each class with its own price response) on an event log written
by `bundlesim run --log-events`, and writes MODEL.pt plus its sidecar MODEL.pt.json. Decisions are
split by shopper into a training and a held-out part; training stops early when the held-out
log-loss stops improving. See docs/neural-model.md.

options:
  --logs EVENTS.csv     the event log (required)
  --out MODEL.pt        where to write the model (required)
  --epochs N            at most N passes over the training part (default 30)
  --device D            auto (CUDA when available), cpu or cuda (default auto)
  --threads N           CPU threads for LibTorch and OpenBLAS (default 1)
  --arm NAME            train only on the decisions of this arm (default: all arms)
  --seed N              weights, split and minibatch order (default 1)
  --batch N             decisions per minibatch (default 512)
  --learning-rate X     Adam's step size (default 0.01)
  --hidden N            width of the context tower's hidden layers (default 32)
  --item-dim N          item embedding width (default 16)
  --classes N           latent classes of shoppers per segment, 1 to 8 (default 2; 1 is a
                        plain conditional logit)
  --validation X        held-out fraction of shoppers (default 0.2)
  --patience N          epochs without improvement before stopping (default 6); the step
                        is halved after every 2 such epochs
  --quiet               no progress bar (it is drawn only on a terminal anyway)
  --help                this text

exit codes: 0 success, 1 failure while training, 2 bad usage or bad input
)";

class TrainProgressBar {
 public:
  explicit TrainProgressBar(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO) == 1) {}
  void update(const NeuralTrainProgress& p) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(150)) return;
    last_ = now;
    constexpr int kWidth = 30;
    double done = p.decisions_per_epoch > 0 ? static_cast<double>(p.decisions_done) / p.decisions_per_epoch : 1;
    int filled = static_cast<int>(std::min(1.0, done) * kWidth);
    std::fprintf(stderr, "\r\033[Kepoch %d/%d [%s%s] %3.0f%%  loss %.4f", p.epoch, p.epochs,
                 std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(), 100 * done,
                 p.running_loss);
    std::fflush(stderr);
    drawn_ = true;
  }
  void clear() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace

int train_neural_model(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  CommandLine cl(args,
                 {"logs", "out", "epochs", "device", "threads", "arm", "seed", "batch", "learning-rate", "hidden",
                  "item-dim", "classes", "validation", "patience"},
                 {"quiet"});
  cl.expect_positionals(0, 0, "");
  auto logs = cl.option("logs");
  auto out = cl.option("out");
  if (!logs) throw UsageError("--logs EVENTS.csv is required");
  if (!out) throw UsageError("--out MODEL.pt is required");
  NeuralTrainOptions options;
  options.epochs = static_cast<int>(cl.integer("epochs", 1, 100000).value_or(options.epochs));
  options.device = cl.option("device").value_or("auto");
  if (options.device != "auto" && options.device != "cpu" && options.device != "cuda") {
    throw UsageError(fmt::format("--device must be auto, cpu or cuda, got \"{}\"", options.device));
  }
  options.threads = static_cast<int>(cl.integer("threads", 1, 256).value_or(1));
  options.seed = static_cast<uint64_t>(cl.integer("seed", 0, int64_t{1} << 53).value_or(1));
  options.batch_decisions = static_cast<int>(cl.integer("batch", 1, 1 << 20).value_or(options.batch_decisions));
  options.learning_rate = cl.number("learning-rate", 1e-6, 1).value_or(options.learning_rate);
  options.architecture.hidden = static_cast<int>(cl.integer("hidden", 1, 4096).value_or(options.architecture.hidden));
  options.architecture.item_dim =
      static_cast<int>(cl.integer("item-dim", 1, 1024).value_or(options.architecture.item_dim));
  options.architecture.classes =
      static_cast<int>(cl.integer("classes", 1, 8).value_or(options.architecture.classes));
  options.validation_fraction = cl.number("validation", 0.01, 0.9).value_or(options.validation_fraction);
  options.patience = static_cast<int>(cl.integer("patience", 1, 1000).value_or(options.patience));

  DecisionLog log;
  try {
    log = read_decision_log(*logs);
  } catch (const DecisionLogError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitBadInput;
  }
  int arm = -1;
  if (auto name = cl.option("arm")) {
    std::vector<std::string> names;
    for (size_t a = 0; a < log.arms.size(); ++a) {
      names.push_back(log.arms[a].name);
      if (log.arms[a].name == *name) arm = static_cast<int>(a);
    }
    if (arm < 0) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UsageError(fmt::format("--arm: {} has no arm \"{}\"; its arms: {}", *logs, *name, list));
    }
  }

  // The training set: the log's menus (or one arm's), choices and shoppers.
  ChoiceBatch menus;
  std::vector<int> chosen;
  NeuralTrainingData data;
  const ChoiceBatch* source = &log.menus;
  if (arm >= 0) {
    for (const LoggedDecision& d : log.decisions) {
      if (d.arm != arm) continue;
      ChoiceProblem p = log.menus.problems[d.problem];
      int item_begin = p.item_begin, basket_begin = p.basket_begin;
      p.item_begin = static_cast<int>(menus.items.size());
      p.basket_begin = static_cast<int>(menus.baskets.size());
      menus.items.insert(menus.items.end(), log.menus.items.begin() + item_begin,
                         log.menus.items.begin() + item_begin + p.item_count);
      menus.item_prices.insert(menus.item_prices.end(), log.menus.item_prices.begin() + item_begin,
                               log.menus.item_prices.begin() + item_begin + p.item_count);
      menus.baskets.insert(menus.baskets.end(), log.menus.baskets.begin() + basket_begin,
                           log.menus.baskets.begin() + basket_begin + p.basket_count);
      menus.problems.push_back(p);
      chosen.push_back(d.chosen);
      data.groups.push_back(d.shopper);
    }
    source = &menus;
  } else {
    for (const LoggedDecision& d : log.decisions) {
      chosen.push_back(d.chosen);
      data.groups.push_back(d.shopper);
    }
  }
  data.catalog = &log.catalog;
  data.segments = log.segments;
  data.menus = source;
  data.chosen = &chosen;
  data.source = *logs;
  if (source->size() < 10) {
    std::fprintf(stderr, "error: %s: %d decisions%s; training needs at least 10\n", logs->c_str(), source->size(),
                 arm >= 0 ? " in that arm" : "");
    return kExitBadInput;
  }

  std::string device;
  try {
    device = resolve_neural_device(options.device);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "error: --device: %s\n", e.what());
    return kExitBadInput;
  }
  int64_t baskets = static_cast<int64_t>(source->baskets.size());
  const double d = options.architecture.item_dim, h = options.architecture.hidden;
  const double tower = 2 * ((d + 1) * h + h * h + h * d);
  std::printf("%s", fmt::format("train: {} decisions from {} ({} items, {} segments, {:.1f} options per menu)\n",
                                thousands(source->size()), *logs, log.catalog.size(), log.segments.size(),
                                static_cast<double>(baskets) / source->size())
                        .c_str());
  std::printf("%s", fmt::format("network: context tower 2 x {} hidden, {}-wide item embeddings (~{:.0f} kFLOP per "
                                "decision), {} latent class{}; device {}, {} thread{}\n",
                                options.architecture.hidden, options.architecture.item_dim, tower / 1e3,
                                options.architecture.classes, options.architecture.classes == 1 ? "" : "es", device,
                                options.threads, options.threads == 1 ? "" : "s")
                        .c_str());
  std::fflush(stdout);
  TrainProgressBar bar(!cl.flag("quiet"));
  options.on_progress = [&bar](const NeuralTrainProgress& p) { bar.update(p); };
  options.on_epoch = [&bar](int epoch, double train_loss, double validation_loss) {
    bar.clear();
    std::printf("epoch %3d  train log-loss %.4f  held-out log-loss %.4f\n", epoch, train_loss, validation_loss);
    std::fflush(stdout);
  };
  NeuralMetrics m = train_neural_choice(data, options, *out);
  bar.clear();
  std::printf("%s",
              fmt::format("{}best epoch {} of {}; {} decisions trained on, {} held out\n"
                          "held-out log-loss     {:.4f} nats per decision (uniform over options: {:.4f})\n"
                          "AUC of purchase       {:.4f}\n"
                          "calibration error     {:.4f} (purchase, 10 bins)\n"
                          "training speed        {} decisions/s ({}, {} thread{})\n"
                          "model: {} (sidecar {})\n",
                          m.epochs_run < options.epochs ? "stopped early; " : "", m.best_epoch, m.epochs_run,
                          thousands(m.train_decisions), thousands(m.validation_decisions), m.validation_log_loss,
                          m.null_log_loss, m.auc, m.calibration_error,
                          thousands(static_cast<int64_t>(std::llround(m.samples_per_second))), m.device,
                          options.threads, options.threads == 1 ? "" : "s", *out, neural_sidecar_path(*out))
                  .c_str());
  return kExitOk;
}

namespace {
Registrar<CommandFunction> registrar("train", train_neural_model);
}  // namespace

}  // namespace bundlesim
