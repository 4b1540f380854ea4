-- Scenario: category_hot (see bench/README.md): the first page of the hot
-- list of one of the eight categories, chosen at random.
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local slugs = { "social", "economics", "life", "knowledge", "it", "fun", "entertainment", "game" }
function init(args) bench.seed_random() end
request = function()
  return wrk.format("GET", "/api/v1/entries/hot?category=" .. slugs[math.random(#slugs)])
end
