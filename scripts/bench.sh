#!/usr/bin/env bash
# pnpm bench: every benchmark, figures printed with their targets. Arguments go to the queue bench
# (e.g. `pnpm bench -- --quick`); --quick also shortens the others.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=no
for arg in "$@"; do [ "$arg" = "--quick" ] && quick=yes; done

echo "== 1/4 queue throughput, pickup and claim: Tessera vs graphile-worker, pg-boss and a raw loop (issue 9)"
pnpm --filter @tessera/bench bench "$@"

echo "== 2/4 certificates rendered per second in Node (targets: ≥ 200/s standard fonts, ≥ 40/s Unicode font)"
pnpm exec tsx packages/certificates/bench/renderBench.ts

echo "== 3/4 certificates in Chromium: throughput and the longest main-thread task (target < 50 ms)"
if [ "$quick" = yes ]; then pnpm --filter @tessera/web bench -- --count=200; else pnpm --filter @tessera/web bench; fi

echo "== 4/4 admin overview RPCs with 100,000 jobs (target < 50 ms each)"
pnpm exec tsx packages/bench/src/adminOverview.ts
