-- Scenario 6, write side: scenario 5 paced by a per-connection delay (ms,
-- the first script argument) so that writes are about 10 % of requests.
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local pause = 0
function init(args)
  bench.seed_random()
  pause = tonumber(args[1] or "0") or 0
end
function delay() return pause end
request = bench.write
