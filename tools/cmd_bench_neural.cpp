// `bundlesim bench --neural MODEL.pt | fresh`: the speed of the `neural` choice model. Figures:
//   training:   (with `fresh`) decisions per second of training a new model on the scenario's own
//               decisions, forward and backward;
//   model:      decisions per second of NeuralChoice::choose alone, on full batches of real menus
//               (collected from the scenario under its own choice model), i.e. the batched forward
//               pass plus sampling;
//   simulation: decisions per second of a whole run with the model driving the shoppers, with
//               arrivals raised so that the engine's batches fill up.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "market/neural_choice.h"
#include "sim/experiment.h"
#include "tools/command_line.h"
#include "tools/commands.h"
#include "tools/scratch_dir.h"

namespace bundlesim {
namespace {

constexpr const char* kHelp = R"(usage: bundlesim bench --neural MODEL.pt|fresh [SCENARIO.json] [options]

Measures the neural choice model: decisions per second of its batched forward pass on real
menus of SCENARIO (default: scenarios/fidelity.json; its catalog must be the model's), then of
a whole simulation driven by it. `--neural fresh` first trains a new model on decisions of
SCENARIO (timing the training too), by default with a context tower of about 100 kFLOP per
decision; it is deleted afterwards.

options:
  --threads N      CPU threads (default 1)
  --batch N        decisions per forward pass (default 2048, the engine's batch)
  --seconds S      time to spend on the model-only measurement (default 3)
  --shoppers N     shoppers of the simulation measurement (default 200000; 0 skips it)
  --device D       cpu, cuda or auto (default cpu)
  --hidden N       with fresh: width of the tower's hidden layers (default 208, ~100 kFLOP)
  --epochs N       with fresh: training epochs (default 2)
)";

constexpr int kFreshHidden = 208;  // 2 x (17 x 208 + 208 x 208 + 208 x 16) = 100 kFLOP per decision

// Copies problem p of `from` (with its menu) to the end of `to`.
void append_problem(const ChoiceBatch& from, int p, ChoiceBatch& to) {
  ChoiceProblem problem = from.problems[p];
  const int item_begin = problem.item_begin, basket_begin = problem.basket_begin;
  problem.item_begin = static_cast<int>(to.items.size());
  problem.basket_begin = static_cast<int>(to.baskets.size());
  to.items.insert(to.items.end(), from.items.begin() + item_begin, from.items.begin() + item_begin + problem.item_count);
  to.item_prices.insert(to.item_prices.end(), from.item_prices.begin() + item_begin,
                        from.item_prices.begin() + item_begin + problem.item_count);
  to.baskets.insert(to.baskets.end(), from.baskets.begin() + basket_begin,
                    from.baskets.begin() + basket_begin + problem.basket_count);
  to.problems.push_back(problem);
}

}  // namespace

int bench_neural_model(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"neural", "threads", "batch", "seconds", "shoppers", "device", "hidden", "epochs"}, {});
  cl.expect_positionals(0, 1, "SCENARIO.json");
  std::string model_path = *cl.option("neural");
  const bool fresh = model_path == "fresh";
  if (!fresh && (cl.option("hidden") || cl.option("epochs"))) throw UsageError("--hidden and --epochs go with --neural fresh");
  const int hidden = static_cast<int>(cl.integer("hidden", 1, 4096).value_or(kFreshHidden));
  const int epochs = static_cast<int>(cl.integer("epochs", 1, 1000).value_or(2));
  std::string file = cl.positionals().empty()
                         ? std::string(BUNDLESIM_SOURCE_DIR) + "/scenarios/fidelity.json"
                         : cl.positionals()[0];
  const int threads = static_cast<int>(cl.integer("threads", 1, 256).value_or(1));
  const int batch_size = static_cast<int>(cl.integer("batch", 1, 1 << 20).value_or(2048));
  const double seconds = cl.number("seconds", 0.1, 3600).value_or(3);
  const int64_t shoppers = cl.integer("shoppers", 0, int64_t{1} << 40).value_or(200000);
  const std::string device = cl.option("device").value_or("cpu");
  Scenario scenario = load_scenario(file);

  // Real menus: a short run under the scenario's own model, every decision copied: the first
  // pool_size into full batches for scoring, and (for fresh) all of them, with their choices and
  // shoppers, to train on.
  const int pool_size = std::max(batch_size, 16384);
  const int train_size = fresh ? 65536 : 0;
  std::vector<ChoiceBatch> batches(1);
  ChoiceBatch train_menus;
  std::vector<int> train_chosen;
  NeuralTrainingData data;
  int collected = 0;
  {
    Scenario collect = scenario;
    collect.arrivals.shoppers_per_day = 400000;
    collect.horizon_days = 2.0 * std::max(pool_size, train_size) / collect.arrivals.shoppers_per_day;
    RunOptions options;
    options.on_decision = [&](const DecisionRecord& r) {
      if (static_cast<int>(train_chosen.size()) < train_size) {
        append_problem(*r.batch, r.problem, train_menus);
        train_chosen.push_back(r.chosen);
        data.groups.push_back(r.shopper);
      }
      if (collected >= pool_size) return;
      if (batches.back().size() == batch_size) batches.emplace_back();
      append_problem(*r.batch, r.problem, batches.back());
      ++collected;
    };
    run_experiment(collect, options);
  }
  if (collected == 0) throw std::runtime_error(fmt::format("{}: the scenario made no decisions to score", file));
  if (batches.size() > 1 && batches.back().size() < batch_size) batches.pop_back();  // full batches only

  std::optional<ScratchDir> scratch;
  if (fresh) {
    scratch.emplace("bench-neural");
    model_path = scratch->file("fresh.pt");
    data.catalog = &scenario.catalog;
    data.segments = scenario.population.segment_names();
    data.menus = &train_menus;
    data.chosen = &train_chosen;
    data.source = file + " (bench --neural fresh)";
    NeuralTrainOptions train;
    train.epochs = epochs;
    train.patience = epochs;  // the time of every epoch asked for
    train.device = device;
    train.threads = threads;
    train.architecture.hidden = hidden;
    NeuralMetrics m = train_neural_choice(data, train, model_path);
    std::printf("%s", fmt::format("training      {:.0f} decisions/s ({} decisions, {} epochs, {:.2f} s, "
                                  "held-out log-loss {:.4f})\n",
                                  m.samples_per_second, train_chosen.size(), m.epochs_run, m.seconds,
                                  m.validation_log_loss)
                          .c_str());
    std::fflush(stdout);
  }

  NeuralChoice model(model_path, scenario.catalog, threads, device);
  int64_t decisions = 0, baskets = 0;
  double flops = 0;
  std::vector<int> chosen;
  for (const ChoiceBatch& b : batches) {  // warm-up: allocations, thread pools
    chosen.assign(b.size(), -1);
    model.choose(b, chosen);
  }
  auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (const ChoiceBatch& b : batches) {
      chosen.assign(b.size(), -1);
      model.choose(b, chosen);
      decisions += b.size();
      baskets += static_cast<int64_t>(b.baskets.size());
      if (flops == 0 && &b == &batches.back()) {
        for (const ChoiceBatch& each : batches) flops += model.flops(each);
      }
    }
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  int64_t pooled = 0;
  for (const ChoiceBatch& b : batches) pooled += b.size();
  const double per_decision = flops / static_cast<double>(pooled);
  std::printf("%s", fmt::format("model         {}\nscenario      {}\ndevice        {}\nthreads       {}\n"
                                "batch         {} decisions, {:.1f} options each\n"
                                "network       {:.1f} kFLOP per decision\n"
                                "model only    {:.0f} decisions/s ({:.1f} GFLOP/s)\n",
                                fresh ? fmt::format("fresh (trained here, hidden {})", hidden) : model_path,
                                scenario.name, device, threads, batch_size,
                                static_cast<double>(baskets) / static_cast<double>(decisions), per_decision / 1e3,
                                decisions / elapsed, decisions * per_decision / elapsed / 1e9)
                        .c_str());
  std::fflush(stdout);

  if (shoppers > 0) {
    // Enough arrivals per 15-minute batch window for the engine's batches to fill.
    scenario.arrivals.shoppers_per_day = std::max(scenario.arrivals.shoppers_per_day, 400000.0);
    scenario.horizon_days = static_cast<double>(shoppers) / scenario.arrivals.shoppers_per_day;
    scenario.choice_model = {
        {"type", "neural"}, {"path", std::filesystem::absolute(model_path).string()}, {"device", device}};
    RunOptions options;
    options.threads = threads;
    RunResult r = run_experiment(scenario, options);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%s", fmt::format("simulation    {:.0f} decisions/s ({} shoppers, {} decisions, {:.2f} s)\n"
                                  "peak memory   {:.1f} MiB\n",
                                  r.decisions / r.wall_seconds, r.shoppers, r.decisions, r.wall_seconds,
                                  usage.ru_maxrss / 1024.0)
                          .c_str());
  }
  return kExitOk;
}

namespace {
Registrar<CommandFunction> registrar("bench --neural", bench_neural_model);
}  // namespace

}  // namespace bundlesim
