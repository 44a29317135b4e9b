#pragma once
// Internal to market/neural_*.cpp: the features and the network of the `neural` choice model.
// This is the one header that includes LibTorch; nothing outside market/neural_*.cpp includes it.
//
// Feature specification version 3 (docs/neural-model.md): a mixture of K latent classes of
// conditional logits (K = 1 is version 2's single logit). For decision p with considered items C_p
// (the menu's items) and segment g, and basket b (a subset of C_p, at price x_b, list price l_b):
//   context tower (one row per decision, where nearly all the FLOPs are):
//     z_p  = [mean_{i in C_p} c_i, |C_p| / 12]                      c_i: context embedding of item i
//     h_p  = relu(W_2 relu(W_1 z_p + s_g + b_1) + b_2)               s_g: segment embedding
//     t_p  = W_3 h_p + b_3                                           taste vector, width item_dim
//   basket utility in class k (a factorisation machine, Rendle 2010, whose item weights depend on
//   the context):
//     u_bk = sum_{i in b} ((t_p + o_k) . e_i + a_i) + sum_{i < j in b} q_i . q_j
//           + lambda_gk * l_b / s - beta_gk * x_b / s + bonus_gk * [b holds a bundle]
//   with e_i, q_i item embeddings, a_i an item bias, s the catalog's mean list price, o_k the
//   class's taste offset (o_0 = 0: only differences between classes are identified), and per
//   segment g and class k a weight of list prices (willingness to pay scales with them), a price
//   slope and a bundle bonus: pooled over all of a segment's decisions, they are estimated far more
//   precisely than per-context ones would be, and they are what counterfactual prices and bundles
//   move. The outside option has utility 0. The pair sum is computed as
//   (|sum q_i|^2 - sum |q_i|^2) / 2.
//   choice probability (a latent-class logit, Train, "Discrete Choice Methods with Simulation",
//   sec. 6.7): P(b) = sum_k pi_gk exp(u_bk) / (1 + sum_c exp(u_ck)), pi_g = softmax(class logits_g).

#include <torch/torch.h>

#include <vector>

#include "market/choice_batch.h"
#include "market/neural_choice.h"

namespace bundlesim::neural {

constexpr int kFeatureVersion = 3;
constexpr int kMaxClasses = 8;  // latent classes; the simulation keeps per-class sums on the stack
constexpr int kContextInputs = 1;  // |C_p| / 12, after the mean embedding
constexpr double kSegmentParameterScale = 30;
constexpr double kClassLogitScale = 10;

// Host-side inputs for a set of decisions, laid out flat (training).
struct Features {
  int problems = 0, baskets = 0;
  std::vector<int64_t> segment;                          // [problems]
  std::vector<int64_t> context_items, context_offsets;   // considered items of each decision
  std::vector<float> context_count;                      // [problems], count / kMaxConsideredItems
  std::vector<int64_t> basket_items, basket_offsets;     // items of each basket
  std::vector<int64_t> basket_problem;                   // [baskets], position of its decision
  std::vector<float> basket_price;                       // [baskets], price / s
  std::vector<float> basket_list;                        // [baskets], list price / s
  std::vector<float> basket_bundle;                      // [baskets], 1 when it holds a bundle
};

// Fills `out` for the problems `ids` (count of them) of `batch`, in that order.
// REQUIRES: list_prices has one entry per catalog item.
void build_features(const ChoiceBatch& batch, const int* ids, int count, const std::vector<double>& list_prices,
                    double price_scale, Features& out);

// The same on a device, as tensors (a view of the host buffers on the CPU: keep `host` alive).
struct FeatureTensors {
  torch::Tensor segment, context_items, context_offsets, context_count;
  torch::Tensor basket_items, basket_offsets, basket_problem, basket_price, basket_list, basket_bundle;
};
FeatureTensors to_tensors(Features& host, const torch::Device& device);

struct ChoiceNetImpl : torch::nn::Module {
  ChoiceNetImpl(int items, int segments, const NeuralArchitecture& architecture);
  // The context tower: the taste vectors [problems, item_dim] from the mean context embedding and
  // count ([problems, item_dim + 1]) and the segments ([problems]).
  torch::Tensor context(const torch::Tensor& inputs, const torch::Tensor& segment);
  // Utilities of every basket in every class, [baskets, classes] (the training path; inference
  // computes the same in C++).
  torch::Tensor forward(const FeatureTensors& f);
  // log pi_gk of each decision's segment: [problems, classes].
  torch::Tensor log_class_shares(const torch::Tensor& segment);

  int item_dim = 0, classes = 1;
  torch::nn::Embedding context_embedding{nullptr}, segment_embedding{nullptr};
  torch::nn::Embedding item_embedding{nullptr}, pair_embedding{nullptr}, item_bias{nullptr};
  torch::nn::Linear layer1{nullptr}, layer2{nullptr}, layer3{nullptr};
  // Per segment and class, [segments, classes]: list price weight, price slope, bundle bonus, each
  // stored divided by kSegmentParameterScale: Adam moves a parameter by about its step size per
  // update, and these few scalars must travel several units (a slope of 5 is common) in a few
  // hundred updates.
  torch::Tensor segment_list, segment_price, segment_bonus;
  // The classes' share logits per segment, [segments, classes], stored divided by
  // kClassLogitScale for the same reason.
  torch::Tensor class_logit;
  // Taste offsets o_1 .. o_{K-1}, [classes - 1, item_dim]; undefined when classes == 1.
  torch::Tensor class_taste;
};
TORCH_MODULE(ChoiceNet);

// Width of the pair embeddings q_i.
inline int pair_dim(const NeuralArchitecture& a) { return std::max(1, a.item_dim / 2); }

// Log-probability of each decision's choice under the mixture: [problems]. `utilities` is
// [baskets, classes], `log_shares` [problems, classes]; `chosen_flat` holds, per decision, the flat
// index of its chosen basket or `baskets` for the outside option (utility 0).
torch::Tensor choice_log_likelihood(const torch::Tensor& utilities, const torch::Tensor& log_shares,
                                    const FeatureTensors& f, const torch::Tensor& chosen_flat, int problems);

}  // namespace bundlesim::neural
