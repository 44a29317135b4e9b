#pragma once
// The HTML report's stylesheet and its one script, inlined into every page so the file stands alone.
// The script only sorts tables by a clicked header and marks the page ready (the browser test waits
// for data-ready="1"); the page reads fine without it.

namespace bundlesim {

inline constexpr const char* kHtmlReportStyle = R"css(
:root { --text:#1f2328; --muted:#57606a; --line:#d8dee4; --soft:#f6f8fa; --win:#1a7f37; --loss:#cf222e; --warn:#9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--text); background: #fff; }
header { padding: 22px 32px 12px; border-bottom: 1px solid var(--line); background: var(--soft); }
header h1 { margin: 0 0 2px; font-size: 24px; }
main { max-width: 1200px; margin: 0 auto; padding: 8px 32px 40px; }
section { margin: 26px 0 8px; break-inside: avoid; page-break-inside: avoid; }
h2 { font-size: 17px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 0 0 8px; }
p { margin: 6px 0; }
.lead { font-size: 15px; }
.muted, .note { color: var(--muted); }
.note { font-size: 12px; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 10px 0; }
.facts div { min-width: 120px; }
.facts dt { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
.facts.small dd { font-weight: 400; }
.cards { display: flex; flex-wrap: wrap; gap: 14px; }
.card { flex: 1 1 420px; border: 1px solid var(--line); border-top: 4px solid var(--muted); border-radius: 6px; padding: 12px 14px; }
.card-row { display: grid; grid-template-columns: 118px 100px 1fr; align-items: baseline; gap: 8px; padding: 3px 0; }
.card-row .muted { font-size: 12px; }
.big { font-size: 18px; font-weight: 700; font-variant-numeric: tabular-nums; }
.win { color: var(--win); }
.loss { color: var(--loss); }
td.win, td.loss { font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 7px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; vertical-align: top; }
td.wrap { white-space: normal; min-width: 220px; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--soft); }
table.sortable th { cursor: pointer; user-select: none; }
th.sorted-asc::after { content: " ▲"; } th.sorted-desc::after { content: " ▼"; }
.num { text-align: right; }
.ci { display: block; color: var(--muted); font-weight: 400; font-size: 11px; }
.sub { display: block; padding-left: 16px; color: var(--muted); font-size: 12px; }
.tag { font-size: 11px; padding: 1px 6px; border-radius: 8px; background: #eaeef2; color: var(--muted); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.bar-cell { position: relative; min-width: 120px; }
.bar { position: absolute; left: 6px; top: 7px; bottom: 7px; background: #b6e3ff; border-radius: 2px; z-index: 0; }
.bar-text { position: relative; z-index: 1; }
ul.warnings { list-style: none; padding: 0; margin: 0; }
ul.warnings li { border-left: 4px solid #d4a72c; background: #fff8c5; padding: 8px 12px; margin: 6px 0; border-radius: 3px; }
ul.warnings li.severe { border-left-color: var(--loss); background: #ffebe9; font-weight: 600; }
.ok { color: var(--win); }
svg.chart { width: 100%; height: auto; display: block; margin: 6px 0; }
svg .chart-title { font-size: 15px; font-weight: 600; fill: var(--text); }
svg .axis-label { font-size: 13px; fill: var(--text); }
svg .tick, svg .legend, svg .row-label, svg .value { font-size: 12px; fill: var(--text); }
svg .tick { fill: var(--muted); }
svg .marker, svg .note { font-size: 11px; fill: var(--muted); }
svg .value.win { fill: var(--win); font-weight: 600; } svg .value.loss { fill: var(--loss); font-weight: 600; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: var(--soft); padding: 10px; overflow-x: auto; max-height: 420px; }
@media print {
  header { background: none; padding: 0 0 8px; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  th { background: none; }
  table.sortable th { cursor: auto; }
  details pre { max-height: none; }
  @page { margin: 14mm; }
}
)css";

inline constexpr const char* kHtmlReportScript = R"js(
(function () {
  "use strict";
  function cellValue(cell) {
    var v = cell.getAttribute("data-value");
    if (v !== null) { var x = parseFloat(v); return isNaN(x) ? -Infinity : x; }
    return cell.textContent.trim().toLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, column) {
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var descending = !th.classList.contains("sorted-desc");
        headers.forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
        th.classList.add(descending ? "sorted-desc" : "sorted-asc");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[column]), y = cellValue(b.cells[column]);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return descending ? -order : order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.documentElement.setAttribute("data-ready", "1");
})();
)js";

}  // namespace bundlesim
