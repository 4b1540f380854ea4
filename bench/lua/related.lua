-- Scenario: related (see bench/README.md).
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
function init(args) bench.seed_random() end
request = bench.related
