-- Reference ceiling: an endpoint that does no database work.
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local req
function init(args)
  bench.seed_random()
  -- Built here, not at load time: wrk fills in the Host header before init.
  req = wrk.format("GET", "/healthz")
end
request = function() return req end
