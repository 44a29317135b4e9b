#include "reports/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace bundlesim {
namespace {

constexpr const char* kTextColor = "#1f2328";
constexpr const char* kMutedColor = "#57606a";
constexpr const char* kGridColor = "#d8dee4";
constexpr const char* kWinColor = "#1a7f37";
constexpr const char* kLossColor = "#cf222e";

// Pixel coordinates with one decimal: enough for a crisp chart, short text.
std::string px(double v) { return fmt::format("{:.1f}", v); }

struct Scale {
  double domain_low, domain_high, range_low, range_high;
  double operator()(double v) const {
    double span = domain_high - domain_low;
    double t = span > 0 ? (v - domain_low) / span : 0.5;
    return range_low + t * (range_high - range_low);
  }
};

// Expands [low, high] to the nice ticks around it; a degenerate range gets some room.
void nice_range(double& low, double& high) {
  if (!std::isfinite(low) || !std::isfinite(high)) {
    low = 0;
    high = 1;
  }
  if (high - low <= 0) {
    double pad = std::abs(high) > 0 ? std::abs(high) * 0.1 : 1;
    low -= pad;
    high += pad;
  }
  std::vector<double> ticks = nice_ticks(low, high);
  low = std::min(low, ticks.front());
  high = std::max(high, ticks.back());
}

std::string text(double x, double y, const std::string& content, const std::string& attributes) {
  return fmt::format("<text x=\"{}\" y=\"{}\" {}>{}</text>", px(x), px(y), attributes, escape_html(content));
}

}  // namespace

std::string escape_html(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double low, double high, int count) {
  if (!(high > low) || count < 1) return {low};
  double raw = (high - low) / count;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double fraction = raw / magnitude;
  double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
  std::vector<double> ticks;
  double first = std::floor(low / step + 1e-9) * step;
  for (double t = first; t < high + step - 1e-9 * step; t += step) {
    ticks.push_back(std::abs(t) < 1e-12 * step ? 0.0 : t);
    if (ticks.size() > 50) break;
  }
  return ticks;
}

std::string line_chart_svg(const LineChart& chart) {
  const double width = chart.width, height = chart.height;
  // The legend flows in rows across the chart; each entry as wide as its name (about 7 px a letter).
  const double left = 84, right = 24;
  std::vector<std::pair<double, double>> legend_at;  // (x, row) per series
  double lx = left;
  int row = 0;
  for (const ChartSeries& s : chart.series) {
    double entry = 34 + 7.2 * static_cast<double>(s.name.size());
    if (lx > left && lx + entry > width - right) lx = left, ++row;
    legend_at.emplace_back(lx, row);
    lx += entry;
  }
  const int legend_rows = chart.series.empty() ? 0 : row + 1;
  const double top = 40 + 20.0 * legend_rows + (chart.markers.empty() ? 0 : 14);
  const double bottom = chart.note.empty() ? 50 : 70;
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  double y_low = chart.y_includes_zero ? 0 : x_low, y_high = chart.y_includes_zero ? 0 : -x_low;
  for (const ChartSeries& s : chart.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      x_low = std::min(x_low, s.x[i]);
      x_high = std::max(x_high, s.x[i]);
      for (double v : {s.y[i], s.low.empty() ? NAN : s.low[i], s.high.empty() ? NAN : s.high[i]}) {
        if (std::isfinite(v)) y_low = std::min(y_low, v), y_high = std::max(y_high, v);
      }
    }
  }
  if (!std::isfinite(x_low)) x_low = 0, x_high = 1;
  if (chart.x_includes_zero) x_low = std::min(x_low, 0.0);
  if (x_high <= x_low) x_high = x_low + 1;
  nice_range(y_low, y_high);
  Scale sx{x_low, x_high, left, width - right};
  Scale sy{y_low, y_high, height - bottom, top};

  std::string svg = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
      chart.width, chart.height, escape_html(chart.title));
  svg += text(left, 22, chart.title, "class=\"chart-title\"");
  for (size_t k = 0; k < chart.series.size(); ++k) {
    double lx = legend_at[k].first, ly = 44 + 20.0 * legend_at[k].second;
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"4\" rx=\"1\" fill=\"{}\"/>", px(lx), px(ly - 6),
                       chart.series[k].color);
    svg += text(lx + 20, ly, chart.series[k].name, "class=\"legend\"");
  }
  // Grid and y ticks, with as many decimals as the tick step needs.
  std::vector<double> y_ticks = nice_ticks(y_low, y_high);
  int y_decimals = y_ticks.size() > 1 ? std::max(0, static_cast<int>(std::ceil(-std::log10(y_ticks[1] - y_ticks[0]) - 1e-9))) : 0;
  for (double t : y_ticks) {
    if (t < y_low - 1e-12 || t > y_high + 1e-12) continue;
    svg += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>", px(left),
                       px(width - right), px(sy(t)), px(sy(t)), kGridColor);
    svg += text(left - 8, sy(t) + 4,
                chart.y_tick_format ? chart.y_tick_format(t, y_decimals)
                : chart.y_format    ? chart.y_format(t)
                                    : fmt::format("{:g}", t),
                "class=\"tick\" text-anchor=\"end\"");
  }
  // X ticks.
  for (double t : nice_ticks(x_low, x_high, std::min(10, std::max(1, static_cast<int>(x_high - x_low))))) {
    if (t < x_low - 1e-9 || t > x_high + 1e-9) continue;
    svg += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>", px(sx(t)), px(sx(t)),
                       px(height - bottom), px(height - bottom + 5), kMutedColor);
    svg += text(sx(t), height - bottom + 18, chart.x_format ? chart.x_format(t) : fmt::format("{:g}", t),
                "class=\"tick\" text-anchor=\"middle\"");
  }
  svg += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>", px(left), px(width - right),
                     px(height - bottom), px(height - bottom), kMutedColor);
  svg += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>", px(left), px(left), px(top),
                     px(height - bottom), kMutedColor);
  // Axis labels.
  svg += text((left + width - right) / 2, height - bottom + 38, chart.x_label, "class=\"axis-label\" text-anchor=\"middle\"");
  double mid_y = (top + height - bottom) / 2;
  svg += fmt::format("<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(16 {}) rotate(-90)\">{}</text>",
                     px(mid_y), escape_html(chart.y_label));
  // Markers.
  for (const ChartMarker& m : chart.markers) {
    if (m.x < x_low || m.x > x_high) continue;
    svg += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{3}\" stroke-dasharray=\"4 3\"/>",
                       px(sx(m.x)), px(top - 6), px(height - bottom), kMutedColor);
    svg += text(sx(m.x) + 3, top - 8, m.label, "class=\"marker\"");
  }
  // Bands first, then lines and points on top. A band or line is split at missing values.
  for (const ChartSeries& s : chart.series) {
    if (s.low.empty()) continue;
    size_t i = 0;
    while (i < s.x.size()) {
      while (i < s.x.size() && !(std::isfinite(s.low[i]) && std::isfinite(s.high[i]))) ++i;
      size_t j = i;
      while (j < s.x.size() && std::isfinite(s.low[j]) && std::isfinite(s.high[j])) ++j;
      if (j > i) {
        std::string points;
        for (size_t k = i; k < j; ++k) points += px(sx(s.x[k])) + "," + px(sy(s.high[k])) + " ";
        for (size_t k = j; k-- > i;) points += px(sx(s.x[k])) + "," + px(sy(s.low[k])) + " ";
        svg += fmt::format("<polygon class=\"band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.16\" stroke=\"none\"/>",
                           points, s.color);
      }
      i = j;
    }
  }
  for (const ChartSeries& s : chart.series) {
    std::string points;
    auto flush = [&] {
      if (!points.empty()) {
        svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.2\" "
                           "stroke-linejoin=\"round\"/>",
                           points, s.color);
      }
      points.clear();
    };
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) {
        flush();
        continue;
      }
      points += px(sx(s.x[i])) + "," + px(sy(s.y[i])) + " ";
    }
    flush();
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      std::string tip = fmt::format("{}: {} at {}", s.name, chart.y_format ? chart.y_format(s.y[i]) : fmt::format("{:g}", s.y[i]),
                                    chart.x_format ? chart.x_format(s.x[i]) : fmt::format("{:g}", s.x[i]));
      if (!s.low.empty() && std::isfinite(s.low[i])) {
        tip += fmt::format(" [{}, {}]", chart.y_format ? chart.y_format(s.low[i]) : fmt::format("{:g}", s.low[i]),
                           chart.y_format ? chart.y_format(s.high[i]) : fmt::format("{:g}", s.high[i]));
      }
      svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.8\" fill=\"{}\"><title>{}</title></circle>", px(sx(s.x[i])),
                         px(sy(s.y[i])), s.color, escape_html(tip));
    }
  }
  if (!chart.note.empty()) svg += text(left, height - 10, chart.note, "class=\"note\"");
  svg += "</svg>";
  return svg;
}

std::string forest_plot_svg(const ForestPlot& plot) {
  const double row_height = 30, label_width = 290, value_width = 300, right = 12;
  const double top = 44, axis_height = 62;
  const double width = plot.width;
  const double height = top + row_height * std::max<size_t>(1, plot.rows.size()) + axis_height + (plot.note.empty() ? 0 : 18);
  double low = 0, high = 0;
  for (const ForestRow& r : plot.rows) {
    for (double v : {r.value, r.low, r.high}) {
      if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
    }
  }
  nice_range(low, high);
  const double plot_left = label_width, plot_right = width - value_width - right;
  Scale sx{low, high, plot_left + 8, plot_right - 8};
  const double plot_bottom = top + row_height * std::max<size_t>(1, plot.rows.size());

  std::string svg = fmt::format(
      "<svg class=\"chart forest\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
      plot.width, px(height), escape_html(plot.title));
  svg += text(12, 22, plot.title, "class=\"chart-title\"");
  for (double t : nice_ticks(low, high)) {
    if (t < low - 1e-12 || t > high + 1e-12) continue;
    svg += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{3}\"/>", px(sx(t)), px(top),
                       px(plot_bottom), kGridColor);
    svg += text(sx(t), plot_bottom + 18, t == 0 ? std::string("0%") : fmt::format("{:+g}%", 100 * t), "class=\"tick\" text-anchor=\"middle\"");
  }
  svg += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"1.5\"/>", px(sx(0)),
                     px(top - 4), px(plot_bottom), kTextColor);
  svg += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>", px(plot_left), px(plot_right),
                     px(plot_bottom), px(plot_bottom), kMutedColor);
  svg += text((plot_left + plot_right) / 2, plot_bottom + 38, plot.x_label, "class=\"axis-label\" text-anchor=\"middle\"");
  svg += text(plot_right + 10, top - 10, "lift [CI], adjusted p", "class=\"tick\"");
  for (size_t k = 0; k < plot.rows.size(); ++k) {
    const ForestRow& r = plot.rows[k];
    double y = top + row_height * (k + 0.5);
    if (k % 2 == 0) {
      svg += fmt::format("<rect x=\"4\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f6f8fa\"/>", px(y - row_height / 2),
                         px(width - 8), px(row_height));
    }
    svg += fmt::format("<g class=\"forest-row\" data-significant=\"{}\"><title>{}</title>", r.significant ? 1 : 0,
                       escape_html(r.tooltip));
    svg += fmt::format("<rect x=\"12\" y=\"{}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{}\"/>", px(y - 5), r.color);
    svg += text(28, y + 4, r.label, "class=\"row-label\"");
    bool have = std::isfinite(r.value) && std::isfinite(r.low) && std::isfinite(r.high);
    if (have) {
      const char* color = !r.significant ? kMutedColor : r.value > 0 ? kWinColor : kLossColor;
      svg += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"2.5\"/>", px(sx(r.low)),
                         px(sx(r.high)), px(y), color);
      for (double end : {r.low, r.high}) {
        svg += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"2\"/>", px(sx(end)),
                           px(y - 5), px(y + 5), color);
      }
      svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5.5\" fill=\"{}\" stroke=\"{}\" stroke-width=\"2\"/>", px(sx(r.value)),
                         px(y), r.significant ? color : "#ffffff", color);
    } else {
      svg += text(sx(0) + 8, y + 4, "n/a", "class=\"tick\"");
    }
    const char* value_class = !r.significant || !have ? "value" : r.value > 0 ? "value win" : "value loss";
    svg += text(plot_right + 10, y + 4, r.value_text, fmt::format("class=\"{}\"", value_class));
    svg += "</g>";
  }
  // Legend of the marks.
  double ly = plot_bottom + 56;
  svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{}\"/>", px(plot_left), px(ly - 4), kWinColor);
  svg += text(plot_left + 10, ly, "significant gain", "class=\"legend\"");
  svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{}\"/>", px(plot_left + 130), px(ly - 4), kLossColor);
  svg += text(plot_left + 140, ly, "significant loss", "class=\"legend\"");
  svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"#fff\" stroke=\"{}\" stroke-width=\"2\"/>", px(plot_left + 260),
                     px(ly - 4), kMutedColor);
  svg += text(plot_left + 270, ly, "not significant", "class=\"legend\"");
  if (!plot.note.empty()) svg += text(12, height - 6, plot.note, "class=\"note\"");
  svg += "</svg>";
  return svg;
}

}  // namespace bundlesim
