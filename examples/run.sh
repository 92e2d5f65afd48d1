#!/usr/bin/env bash
# The main job on the embedded default store: ingest the bundled examples, print the facts and circular deals,
# write exports (Turtle, TriG, CSV, GraphML) and the interactive page under exports/.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q -e . 
dg=.venv/bin/dealgraph
$dg ingest examples/
echo; echo "== largest funding rounds"; $dg query --name largest-rounds
echo; echo "== circular deals"; $dg circular
for f in turtle trig csv graphml; do $dg export --format $f -o exports/graph.${f/turtle/ttl}; done
$dg viz -o exports/graph.html || echo "(viz not available)"
