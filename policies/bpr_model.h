#pragma once
// Implicit-feedback matrix factorisation of "bought with" data by Bayesian Personalised Ranking
// (Rendle, Freudenthaler, Gantner & Schmidt-Thieme, "BPR: Bayesian personalized ranking from
// implicit feedback", UAI 2009), trained with LibTorch. The "user" of BPR is the context a bundle is
// built for, a shopper's segment and the item they browsed (the anchor), factorised as
//
//   x(g, a, i) = (U[a] + S[g]) . V[i] + b[i]
//
// so the anchor's and the segment's preferences share the item factors V. Each order with two or
// more items gives, for every ordered pair (a, i) of its items, the observation "in segment g, with
// a, item i was preferred to an item j not in the order"; training minimises
//   -log sigmoid(x(g, a, i) - x(g, a, j)) + lambda (|U[a]|^2 + |S[g]|^2 + |V[i]|^2 + |V[j]|^2 + b^2)
// over minibatches with j drawn from the items not in the order, uniformly or (the default) with
// probability proportional to how often j is itself a positive among the pairs held. Negatives
// drawn like the positives keep an item that is in many orders from scoring high with every anchor
// just for being common: the optimum then ranks i by how much more often it goes with a than with
// anything, a pointwise mutual information, i.e. a lift (Rendle & Freudenthaler, "Improving
// pairwise learning for item recommendation from implicit feedback", WSDM 2014, sec. 4; Levy &
// Goldberg, "Neural word embedding as implicit matrix factorization", NIPS 2014).
// Torch stays in the .cpp: scoring for offers uses a plain copy of the factors.

#include <cstdint>
#include <memory>
#include <vector>

#include "market/catalog.h"

namespace bundlesim {

class BprModel {
 public:
  struct Options {
    int factors = 16;
    int segments = 16;          // segments at or beyond this share the last segment's factors
    double learning_rate = 0.05;
    double l2 = 1e-4;           // lambda
    bool adam = true;           // else plain SGD (used by tests to check one step by hand)
    int batch = 256;
    int64_t buffer = 50000;     // most recent pairs kept for training
    double init_scale = 0.1;    // initial factors ~ N(0, init_scale^2)
    bool popularity_negatives = true;
  };

  // REQUIRES: items >= 2.
  BprModel(int items, Options options, uint64_t seed, int arm);
  ~BprModel();

  // Records an order (distinct items) of a shopper of `segment`: with two or more items, its
  // training pairs; a single item teaches nothing about complements.
  void add_order(int segment, const std::vector<ItemIndex>& items);
  int64_t pairs() const;  // training pairs held
  // Runs `steps` minibatch steps (draws keyed by the model's update counter); returns the mean loss.
  double train(int steps);
  // x(g, a, i), the fitted preference.
  double score(int segment, ItemIndex anchor, ItemIndex item) const;
  // U[a] . V[i]: the anchor's part of it, with the segment's taste and the item's popularity (what
  // the shopper would buy anyway) left out.
  double anchor_score(ItemIndex anchor, ItemIndex item) const;

  // For tests: set every parameter (U, S, V row-major, then b) and read them back.
  void set_parameters(const std::vector<float>& u, const std::vector<float>& s, const std::vector<float>& v,
                      const std::vector<float>& b);
  void parameters(std::vector<float>& u, std::vector<float>& s, std::vector<float>& v, std::vector<float>& b) const;
  // For tests: one step on the given (segment, anchor, positive, negative) quadruples.
  double step(const std::vector<int>& segments, const std::vector<ItemIndex>& anchors,
              const std::vector<ItemIndex>& positives, const std::vector<ItemIndex>& negatives);

 private:
  struct Torch;
  void refresh_copy();
  int items_;
  Options options_;
  uint64_t seed_;
  int arm_;
  uint64_t updates_ = 0;
  std::unique_ptr<Torch> torch_;
  // Training pairs (segment, anchor, positive) with the order they came from, a ring once full.
  struct Pair {
    int segment;
    ItemIndex anchor, positive;
    std::shared_ptr<const std::vector<ItemIndex>> order;
  };
  std::vector<Pair> pairs_;
  int64_t next_pair_ = 0;
  std::vector<int64_t> positives_;           // per item: pairs held with it as the positive
  std::vector<double> negative_cumulative_;  // rebuilt at each train()
  // Plain copy of the factors for scoring.
  std::vector<float> u_, s_, v_, b_;
};

}  // namespace bundlesim
