#include "market/neural_network.h"

#include <algorithm>

namespace bundlesim::neural {

void build_features(const ChoiceBatch& batch, const int* ids, int count, const std::vector<double>& list_prices,
                    double price_scale, Features& out) {
  out.problems = count;
  out.segment.resize(count);
  out.context_offsets.resize(count);
  out.context_count.resize(count);
  out.context_items.clear();
  out.basket_items.clear();
  out.basket_offsets.clear();
  out.basket_problem.clear();
  out.basket_price.clear();
  out.basket_list.clear();
  out.basket_bundle.clear();
  const double inverse_scale = 1.0 / price_scale;
  for (int q = 0; q < count; ++q) {
    const ChoiceProblem& p = batch.problems[ids[q]];
    const ItemIndex* items = batch.items.data() + p.item_begin;
    out.segment[q] = p.segment;
    out.context_offsets[q] = static_cast<int64_t>(out.context_items.size());
    out.context_items.insert(out.context_items.end(), items, items + p.item_count);
    out.context_count[q] = static_cast<float>(p.item_count) / kMaxConsideredItems;
    for (int b = 0; b < p.basket_count; ++b) {
      const BasketOption& basket = batch.baskets[p.basket_begin + b];
      out.basket_offsets.push_back(static_cast<int64_t>(out.basket_items.size()));
      double list = 0;
      for (uint32_t m = basket.items; m; m &= m - 1) {
        ItemIndex i = items[__builtin_ctz(m)];
        out.basket_items.push_back(i);
        list += list_prices[i];
      }
      out.basket_problem.push_back(q);
      out.basket_price.push_back(static_cast<float>(basket.price * inverse_scale));
      out.basket_list.push_back(static_cast<float>(list * inverse_scale));
      out.basket_bundle.push_back(basket.bundle >= 0 ? 1.0f : 0.0f);
    }
  }
  out.baskets = static_cast<int>(out.basket_problem.size());
}

FeatureTensors to_tensors(Features& h, const torch::Device& device) {
  auto i64 = torch::TensorOptions().dtype(torch::kInt64);
  auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  const int64_t p = h.problems, b = h.baskets;
  FeatureTensors t;
  t.segment = torch::from_blob(h.segment.data(), {p}, i64);
  t.context_items = torch::from_blob(h.context_items.data(), {static_cast<int64_t>(h.context_items.size())}, i64);
  t.context_offsets = torch::from_blob(h.context_offsets.data(), {p}, i64);
  t.context_count = torch::from_blob(h.context_count.data(), {p, 1}, f32);
  t.basket_items = torch::from_blob(h.basket_items.data(), {static_cast<int64_t>(h.basket_items.size())}, i64);
  t.basket_offsets = torch::from_blob(h.basket_offsets.data(), {b}, i64);
  t.basket_problem = torch::from_blob(h.basket_problem.data(), {b}, i64);
  t.basket_price = torch::from_blob(h.basket_price.data(), {b}, f32);
  t.basket_list = torch::from_blob(h.basket_list.data(), {b}, f32);
  t.basket_bundle = torch::from_blob(h.basket_bundle.data(), {b}, f32);
  if (!device.is_cpu()) {
    for (torch::Tensor* x : {&t.segment, &t.context_items, &t.context_offsets, &t.context_count, &t.basket_items,
                             &t.basket_offsets, &t.basket_problem, &t.basket_price, &t.basket_list, &t.basket_bundle}) {
      *x = x->to(device);
    }
  }
  return t;
}

ChoiceNetImpl::ChoiceNetImpl(int items, int segments, const NeuralArchitecture& a)
    : item_dim(a.item_dim), classes(a.classes) {
  context_embedding = register_module("context_embedding", torch::nn::Embedding(items, a.item_dim));
  segment_embedding = register_module("segment_embedding", torch::nn::Embedding(segments, a.hidden));
  item_embedding = register_module("item_embedding", torch::nn::Embedding(items, a.item_dim));
  pair_embedding = register_module("pair_embedding", torch::nn::Embedding(items, pair_dim(a)));
  item_bias = register_module("item_bias", torch::nn::Embedding(items, 1));
  layer1 = register_module("layer1", torch::nn::Linear(a.item_dim + kContextInputs, a.hidden));
  layer2 = register_module("layer2", torch::nn::Linear(a.hidden, a.hidden));
  layer3 = register_module("layer3", torch::nn::Linear(a.hidden, a.item_dim));
  // The slope starts at 1: a price of s costs one unit of utility. It is left unconstrained: a
  // softplus (to force it positive) saturates when early steps push it down, and then the model
  // can't learn the price response back; within a class the likelihood is concave in these
  // parameters.
  // Classes start apart in their list price weight (-0.25 .. 0.25 around 0): identical classes get
  // identical gradients and would never separate.
  torch::Tensor spread = classes > 1 ? torch::linspace(-0.25, 0.25, classes) : torch::zeros({1});
  segment_price = register_parameter("segment_price", torch::full({segments, classes}, 1 / kSegmentParameterScale));
  segment_list = register_parameter("segment_list", (spread / kSegmentParameterScale).repeat({segments, 1}));
  segment_bonus = register_parameter("segment_bonus", torch::zeros({segments, classes}));
  class_logit = register_parameter("class_logit", torch::zeros({segments, classes}));
  if (classes > 1) class_taste = register_parameter("class_taste", torch::zeros({classes - 1, a.item_dim}));
  // Embeddings start small (N(0, 1) is the default) so that early steps are driven by prices.
  torch::NoGradGuard no_grad;
  for (torch::nn::Embedding* e : {&context_embedding, &segment_embedding, &item_embedding, &pair_embedding}) {
    (*e)->weight.mul_(0.1);
  }
  item_bias->weight.zero_();
}

torch::Tensor ChoiceNetImpl::context(const torch::Tensor& inputs, const torch::Tensor& segment) {
  torch::Tensor h = layer1->forward(inputs);
  h.add_(segment_embedding->forward(segment)).relu_();
  h = layer2->forward(h).relu_();
  return layer3->forward(h);
}

torch::Tensor ChoiceNetImpl::log_class_shares(const torch::Tensor& segment) {
  return torch::log_softmax(class_logit * kClassLogitScale, 1).index_select(0, segment);
}

torch::Tensor ChoiceNetImpl::forward(const FeatureTensors& f) {
  namespace F = torch::nn::functional;
  auto bag = [&](const torch::Tensor& weight) {
    return F::embedding_bag(f.basket_items, weight, F::EmbeddingBagFuncOptions().offsets(f.basket_offsets).mode(torch::kSum));
  };
  torch::Tensor menu = F::embedding_bag(f.context_items, context_embedding->weight,
                                        F::EmbeddingBagFuncOptions().offsets(f.context_offsets).mode(torch::kMean));
  torch::Tensor taste = context(torch::cat({menu, f.context_count}, 1), f.segment).index_select(0, f.basket_problem);
  torch::Tensor segment = f.segment.index_select(0, f.basket_problem);
  torch::Tensor embedded = bag(item_embedding->weight);  // [baskets, item_dim]: sum of e_i over the basket
  torch::Tensor items = (embedded * taste).sum(1) + bag(item_bias->weight).squeeze(1);
  torch::Tensor q = bag(pair_embedding->weight);
  torch::Tensor q_squares = bag(pair_embedding->weight.pow(2));
  torch::Tensor pairs = 0.5 * (q.pow(2).sum(1) - q_squares.sum(1));
  const double k = kSegmentParameterScale;
  auto per_class = [&](const torch::Tensor& parameter) { return (parameter * k).index_select(0, segment); };
  torch::Tensor u = (items + pairs).unsqueeze(1) + per_class(segment_list) * f.basket_list.unsqueeze(1) -
                    per_class(segment_price) * f.basket_price.unsqueeze(1) +
                    per_class(segment_bonus) * f.basket_bundle.unsqueeze(1);
  if (classes > 1) {
    // Class 0 is the reference (o_0 = 0); the others add o_k . sum_{i in b} e_i.
    torch::Tensor offsets = torch::cat({torch::zeros({embedded.size(0), 1}, embedded.options()),
                                        embedded.matmul(class_taste.t())}, 1);
    u = u + offsets;
  }
  return u;
}

torch::Tensor choice_log_likelihood(const torch::Tensor& u, const torch::Tensor& log_shares, const FeatureTensors& f,
                                    const torch::Tensor& chosen_flat, int problems) {
  // Per class, log Z_pk = m_pk + log(exp(-m_pk) + sum_b exp(u_bk - m_pk)), m_pk = max(0, max_b u_bk)
  // for stability. The shift needs no gradient; it is found on the host (scatter_reduce's amax is
  // still "beta").
  const int64_t classes = u.size(1);
  std::vector<float> host_top(static_cast<size_t>(problems) * classes, 0.0f);
  {
    torch::Tensor values = u.detach().to(torch::kCPU).contiguous();
    torch::Tensor owners = f.basket_problem.to(torch::kCPU).contiguous();
    const float* v = values.data_ptr<float>();
    const int64_t* owner = owners.data_ptr<int64_t>();
    for (int64_t b = 0; b < values.size(0); ++b) {
      float* top = host_top.data() + owner[b] * classes;
      for (int64_t c = 0; c < classes; ++c) top[c] = std::max(top[c], v[b * classes + c]);
    }
  }
  torch::Tensor top = torch::from_blob(host_top.data(), {problems, classes}, torch::TensorOptions().dtype(torch::kFloat32))
                          .to(u.device())
                          .clone();  // host_top is local
  torch::Tensor shifted = (u - top.index_select(0, f.basket_problem)).exp();
  torch::Tensor total = torch::exp(-top).index_add(0, f.basket_problem, shifted);
  torch::Tensor log_z = top + total.log();
  // The chosen utility: u[chosen], or the outside option's 0 (row `baskets` of the padded matrix).
  torch::Tensor padded = torch::cat({u, torch::zeros({1, classes}, u.options())});
  torch::Tensor per_class = padded.index_select(0, chosen_flat) - log_z;  // log P_k(choice)
  // log sum_k pi_k P_k(choice), by log-sum-exp.
  return torch::logsumexp(per_class + log_shares, 1);
}

}  // namespace bundlesim::neural
