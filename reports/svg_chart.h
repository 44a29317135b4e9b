#pragma once
// Charts as inline SVG text, for the HTML report: a line chart with optional confidence bands and a
// forest plot (one estimate with its interval per row). Every chart has a title, axis labels with
// units, and tick labels formatted by the caller; the SVG scales with the page (viewBox) and needs
// no script or font download, so it prints and opens offline. Strings passed in are escaped here.

#include <functional>
#include <string>
#include <vector>

namespace bundlesim {

// Text safe inside HTML/SVG elements and attribute values.
std::string escape_html(const std::string& text);

// "Nice" tick positions covering [low, high]: about `count` steps of 1, 2 or 5 times a power of ten
// (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
std::vector<double> nice_ticks(double low, double high, int count = 5);

struct ChartSeries {
  std::string name;
  std::string color;                // CSS colour
  std::vector<double> x, y;         // same length; NaN y leaves a gap
  std::vector<double> low, high;    // optional band, same length as x (empty: no band)
};

// A vertical marker line (a market event, say) with a short label.
struct ChartMarker {
  double x = 0;
  std::string label;
};

struct LineChart {
  std::string title;
  std::string x_label, y_label;                      // with units, e.g. "revenue per visitor (USD)"
  std::function<std::string(double)> x_format, y_format;
  // Tick labels with at least `decimals` decimals (so close ticks stay distinct); y_format if unset.
  std::function<std::string(double value, int decimals)> y_tick_format;
  std::vector<ChartSeries> series;
  std::vector<ChartMarker> markers;
  bool y_includes_zero = false;
  bool x_includes_zero = false;
  int width = 1000, height = 400;
  std::string note;  // a line under the chart (what the bands are)
};

std::string line_chart_svg(const LineChart& chart);

struct ForestRow {
  std::string label;    // e.g. "phone-kits · revenue/visitor"
  std::string color;    // the arm's colour
  double value = 0, low = 0, high = 0;  // relative lift as a fraction; NaN: shown as "n/a"
  bool significant = false;
  std::string value_text;  // shown at the right, e.g. "+4.2% [+1.1%, +7.3%] p=0.008"
  std::string tooltip;
};

struct ForestPlot {
  std::string title;
  std::string x_label;  // e.g. "relative lift vs control (%)"
  std::vector<ForestRow> rows;
  int width = 1000;
  std::string note;
};

std::string forest_plot_svg(const ForestPlot& plot);

}  // namespace bundlesim
