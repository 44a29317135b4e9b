#!/usr/bin/env bash
# Opens the HTML report of a real run in headless Chromium (Debian's `chromium`): the page must load
# from disk with no console errors and no network requests, its script must run to the end
# (data-ready="1" in the DOM), and a screenshot is saved for people to look at.
# A page with a deliberate script error is checked first, so the check itself is known to fail when
# it should. Exits 77 (ctest SKIP_RETURN_CODE) when chromium is not installed.
#
# usage: html_report_browser_test.sh BUNDLESIM SOURCE_DIR SCREENSHOT.png
set -euo pipefail

bundlesim=$1
source_dir=$2
screenshot=$3

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (tools/install-deps.sh installs it)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs the browser on a file with settings that keep it off the network and away from the user's
# profile. $1: the page, $2...: what to produce (--dump-dom or --screenshot=...).
run_browser() {
  local page=$1
  shift
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-extensions --disable-dev-shm-usage \
    --user-data-dir="$(mktemp -d -p "$work")" --enable-logging=stderr --v=0 --window-size=1280,2000 \
    "$@" "file://$page"
}

# Problems in a browser log: console errors (uncaught exceptions, console.error) and any request
# that left the machine or failed.
problems_in() {
  grep -E 'CONSOLE|Failed to load resource|net::ERR_' "$1" | grep -E 'ERROR:CONSOLE|Uncaught|console\.error|Failed to load|net::ERR_' || true
}

# 1. The check catches a script error.
cat > "$work/broken.html" <<'EOF'
<!DOCTYPE html><html><body><p>broken</p><script>console.error("deliberate"); undefined_function();</script></body></html>
EOF
run_browser "$work/broken.html" --dump-dom > "$work/broken.dom" 2> "$work/broken.log" || true
if [ -z "$(problems_in "$work/broken.log")" ]; then
  echo "FAIL: the console-error check did not see the deliberate error; browser log:"
  cat "$work/broken.log"
  exit 1
fi

# 2. The real report.
"$bundlesim" run "$source_dir/scenarios/quickstart.json" --out "$work/report.sqlite" --html "$work/report.html" --quiet \
  > "$work/run.txt"
run_browser "$work/report.html" --dump-dom > "$work/report.dom" 2> "$work/report.log"
found=$(problems_in "$work/report.log")
if [ -n "$found" ]; then
  echo "FAIL: console errors or network requests in the report page:"
  echo "$found"
  exit 1
fi
if ! grep -q 'data-ready="1"' "$work/report.dom"; then
  echo "FAIL: the page's script did not run to the end (no data-ready=\"1\" in the DOM)"
  exit 1
fi
for section in summary verdict warnings arms lift cumulative bundles learning details; do
  if ! grep -q "<section id=\"$section\"" "$work/report.dom"; then
    echo "FAIL: section \"$section\" missing from the rendered page"
    exit 1
  fi
done

rm -f "$screenshot"
run_browser "$work/report.html" --screenshot="$screenshot" > /dev/null 2> "$work/shot.log"
size=$(stat -c %s "$screenshot" 2>/dev/null || echo 0)
if [ "$size" -lt 20000 ]; then
  echo "FAIL: screenshot $screenshot missing or nearly empty ($size bytes)"
  cat "$work/shot.log"
  exit 1
fi
echo "ok: no console errors, script ran, every section rendered; screenshot $screenshot ($size bytes)"
