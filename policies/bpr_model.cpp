#include "policies/bpr_model.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <torch/torch.h>

#include "policies/policy_random.h"

namespace bundlesim {

struct BprModel::Torch {
  torch::Tensor u, s, v, b;  // anchors x f, segments x f, items x f, items
  std::unique_ptr<torch::optim::Optimizer> optimizer;
};

namespace {
torch::Tensor parameter_from(const std::vector<float>& values, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat32).clone().set_requires_grad(true);
}
std::vector<float> copy_of(const torch::Tensor& t) {
  torch::Tensor c = t.detach().contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}
}  // namespace

BprModel::BprModel(int items, Options options, uint64_t seed, int arm)
    : items_(items), options_(options), seed_(seed), arm_(arm), torch_(std::make_unique<Torch>()),
      positives_(items, 0) {
  assert(items >= 2);
  const int f = options_.factors;
  // Initial factors ~ N(0, init_scale^2) from the policy's own stream; biases 0.
  PolicyStream init(seed_, arm_, PolicyPurpose::kInit, 0);
  auto normals = [&](int64_t count) {
    std::vector<float> out(count);
    for (float& x : out) x = static_cast<float>(options_.init_scale * init.normal());
    return out;
  };
  std::vector<float> u = normals(int64_t{items} * f), s = normals(int64_t{options_.segments} * f),
                     v = normals(int64_t{items} * f), b(items, 0.0f);
  set_parameters(u, s, v, b);
}

BprModel::~BprModel() = default;

void BprModel::set_parameters(const std::vector<float>& u, const std::vector<float>& s, const std::vector<float>& v,
                              const std::vector<float>& b) {
  const int f = options_.factors;
  torch_->u = parameter_from(u, {items_, f});
  torch_->s = parameter_from(s, {options_.segments, f});
  torch_->v = parameter_from(v, {items_, f});
  torch_->b = parameter_from(b, {items_});
  std::vector<torch::Tensor> params{torch_->u, torch_->s, torch_->v, torch_->b};
  if (options_.adam) {
    torch_->optimizer = std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(options_.learning_rate));
  } else {
    torch_->optimizer = std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(options_.learning_rate));
  }
  refresh_copy();
}

void BprModel::parameters(std::vector<float>& u, std::vector<float>& s, std::vector<float>& v,
                          std::vector<float>& b) const {
  u = u_, s = s_, v = v_, b = b_;
}

void BprModel::refresh_copy() {
  u_ = copy_of(torch_->u);
  s_ = copy_of(torch_->s);
  v_ = copy_of(torch_->v);
  b_ = copy_of(torch_->b);
}

void BprModel::add_order(int segment, const std::vector<ItemIndex>& items) {
  if (items.size() < 2) return;
  auto order = std::make_shared<const std::vector<ItemIndex>>(items);
  const int g = std::min(segment, options_.segments - 1);
  for (ItemIndex a : items) {
    for (ItemIndex i : items) {
      if (a == i) continue;
      Pair pair{g, a, i, order};
      ++positives_[i];
      if (static_cast<int64_t>(pairs_.size()) < options_.buffer) {
        pairs_.push_back(std::move(pair));
      } else {
        --positives_[pairs_[next_pair_].positive];
        pairs_[next_pair_] = std::move(pair);
        next_pair_ = (next_pair_ + 1) % options_.buffer;
      }
    }
  }
}

int64_t BprModel::pairs() const { return static_cast<int64_t>(pairs_.size()); }

double BprModel::step(const std::vector<int>& segments, const std::vector<ItemIndex>& anchors,
                      const std::vector<ItemIndex>& positives, const std::vector<ItemIndex>& negatives) {
  auto index = [](const auto& values) {
    std::vector<int64_t> v(values.begin(), values.end());
    return torch::tensor(v, torch::kInt64);
  };
  torch::Tensor g = index(segments), a = index(anchors), i = index(positives), j = index(negatives);
  torch::Tensor ua = torch_->u.index_select(0, a), sg = torch_->s.index_select(0, g);
  torch::Tensor vi = torch_->v.index_select(0, i), vj = torch_->v.index_select(0, j);
  torch::Tensor bi = torch_->b.index_select(0, i), bj = torch_->b.index_select(0, j);
  torch::Tensor context = ua + sg;
  torch::Tensor difference = (context * vi).sum(1) + bi - (context * vj).sum(1) - bj;
  torch::Tensor penalty = ua.pow(2).sum(1) + sg.pow(2).sum(1) + vi.pow(2).sum(1) + vj.pow(2).sum(1) + bi.pow(2) + bj.pow(2);
  torch::Tensor loss = (-torch::log_sigmoid(difference) + options_.l2 * penalty).mean();
  torch_->optimizer->zero_grad();
  loss.backward();
  torch_->optimizer->step();
  refresh_copy();
  return loss.item<double>();
}

double BprModel::train(int steps) {
  if (pairs_.empty()) return 0;
  negative_cumulative_.assign(items_, 0.0);
  double mass = 0;
  for (ItemIndex i = 0; i < items_; ++i) {
    // +1 so an item never seen as a positive can still be a negative.
    mass += options_.popularity_negatives ? static_cast<double>(positives_[i] + 1) : 1.0;
    negative_cumulative_[i] = mass;
  }
  double total = 0;
  std::vector<int> g;
  std::vector<ItemIndex> a, i, j;
  for (int t = 0; t < steps; ++t) {
    PolicyStream stream(seed_, arm_, PolicyPurpose::kTraining, updates_++);
    g.clear(), a.clear(), i.clear(), j.clear();
    for (int k = 0; k < options_.batch; ++k) {
      const Pair& p = pairs_[stream() % pairs_.size()];
      // A negative: an item not in the order (after 32 misses the sample is skipped).
      ItemIndex negative = -1;
      for (int attempt = 0; attempt < 32 && negative < 0; ++attempt) {
        double u = stream.uniform() * mass;
        ItemIndex candidate = static_cast<ItemIndex>(
            std::upper_bound(negative_cumulative_.begin(), negative_cumulative_.end(), u) - negative_cumulative_.begin());
        candidate = std::min(candidate, items_ - 1);
        if (std::find(p.order->begin(), p.order->end(), candidate) == p.order->end()) negative = candidate;
      }
      if (negative < 0) continue;
      g.push_back(p.segment), a.push_back(p.anchor), i.push_back(p.positive), j.push_back(negative);
    }
    if (!g.empty()) total += step(g, a, i, j);
  }
  return total / steps;
}

double BprModel::score(int segment, ItemIndex anchor, ItemIndex item) const {
  const int f = options_.factors;
  const int g = std::min(segment, options_.segments - 1);
  double x = b_[item];
  for (int k = 0; k < f; ++k) x += (u_[anchor * f + k] + s_[g * f + k]) * v_[item * f + k];
  return x;
}

double BprModel::anchor_score(ItemIndex anchor, ItemIndex item) const {
  const int f = options_.factors;
  double x = 0;
  for (int k = 0; k < f; ++k) x += u_[anchor * f + k] * v_[item * f + k];
  return x;
}

}  // namespace bundlesim
