-- Scenario 6, read side: scenarios 1–4 in equal shares.
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
function init(args) bench.seed_random() end
local kinds = { bench.hot, bench.entry, bench.user_tag, bench.user_lists }
request = function() return kinds[math.random(#kinds)]() end
