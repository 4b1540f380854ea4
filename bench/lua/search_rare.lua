-- Scenario: search_rare (see bench/README.md).
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local req
function init(args)
  bench.seed_random()
  req = bench.search(bench.SEARCH_WORDS.rare)
end
request = function() return req end
