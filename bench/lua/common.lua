-- Shared by every scenario: manifest loading, Zipf sampling, error
-- accounting and a machine-readable summary line for bench/bench.py.
--
-- Environment: BENCH_MANIFEST (directory written by `bukuma seed --manifest`),
-- BENCH_TOKENS (file of access tokens, one a line; writes and `scope=mine`).

local M = {}

local manifest = os.getenv("BENCH_MANIFEST") or "."

function M.lines(path)
  local out = {}
  local f = io.open(path, "r")
  if not f then return out end
  for line in f:lines() do
    if line ~= "" then out[#out + 1] = line end
  end
  f:close()
  return out
end

function M.manifest(name)
  return M.lines(manifest .. "/" .. name)
end

function M.split(line)
  local out = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do out[#out + 1] = field end
  return out
end

-- A sampler of 1..n with P(k) proportional to 1/k^s.
function M.zipf(n, s)
  local cdf, acc = {}, 0
  for k = 1, math.max(n, 1) do
    acc = acc + 1 / (k ^ s)
    cdf[k] = acc
  end
  return function()
    local x = math.random() * acc
    local lo, hi = 1, #cdf
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cdf[mid] < x then lo = mid + 1 else hi = mid end
    end
    return lo
  end
end

-- Per-thread state (each wrk thread runs its own copy of the script).
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  threads[#threads + 1] = thread
end

bad, first_error = 0, ""

function response(status, headers, body)
  if status >= 400 then
    bad = bad + 1
    if first_error == "" then first_error = status .. " " .. (body or ""):sub(1, 300) end
  end
end

function M.seed_random()
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local bad_total, first = 0, ""
  for _, t in ipairs(threads) do
    bad_total = bad_total + (t:get("bad") or 0)
    local e = t:get("first_error") or ""
    if first == "" then first = e end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"http_4xx_5xx":%d},' ..
    '"first_error":%s}\n',
    summary.requests, summary.duration, summary.bytes,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, bad_total, json_string(first)))
end

-- Request builders for the scenarios.
local users = M.manifest("users.txt")
local entries = M.manifest("entries.txt")
local user_tags = {}
for _, line in ipairs(M.manifest("user_tags.txt")) do user_tags[#user_tags + 1] = M.split(line) end
local pick_user = M.zipf(#users, 1.0)
local pick_entry = M.zipf(#entries, 1.0)
local pick_user_tag = M.zipf(#user_tags, 1.0)

function M.hot()
  return wrk.format("GET", "/api/v1/entries/hot")
end

-- An entry page: the entry, then its popular comments.
local entry_id, entry_step = nil, 0
function M.entry()
  entry_step = entry_step + 1
  if entry_step % 2 == 1 then
    entry_id = entries[pick_entry()]
    return wrk.format("GET", "/api/v1/entries/" .. entry_id)
  end
  return wrk.format("GET", "/api/v1/entries/" .. entry_id .. "/comments?sort=popular")
end

-- An entry's related entries, among the most bookmarked entries: those
-- whose lists bench.py computed (`bukuma recompute-related --top`).
local pick_related = M.zipf(math.min(#entries, tonumber(os.getenv("BENCH_RELATED_TOP") or "2000")), 1.0)
function M.related()
  return wrk.format("GET", "/api/v1/entries/" .. entries[pick_related()] .. "/related")
end

-- A user's bookmarks with one of their tags: the first page or a deep one.
function M.user_tag()
  local ut = user_tags[pick_user_tag()]
  local path = "/api/v1/users/" .. ut[1] .. "/bookmarks?tag=" .. ut[2]
  if ut[3] ~= nil and ut[3] ~= "" and math.random() < 0.5 then
    path = path .. "&cursor=" .. ut[3]
  end
  return wrk.format("GET", path)
end

-- A user's tag cloud or site list.
function M.user_lists()
  local u = users[pick_user()]
  if math.random() < 0.5 then
    return wrk.format("GET", "/api/v1/users/" .. u .. "/tags")
  end
  return wrk.format("GET", "/api/v1/users/" .. u .. "/sites")
end

local tokens = M.lines(os.getenv("BENCH_TOKENS") or "/nonexistent")

-- A bookmark by a logged-in user: a new URL (70 %) or a popular one again.
local popular = M.manifest("popular_urls.txt")
local pick_popular = M.zipf(#popular, 1.0)
local run_id, seq = nil, 0
local tag_pool = { "bench", "rust", "あとで読む", "programming", "web", "技術", "news" }
function M.write()
  if run_id == nil then run_id = string.format("%d-%d-%d", os.time(), tid or 0, math.random(1, 1e9)) end
  seq = seq + 1
  local url
  if #popular > 0 and math.random() < 0.3 then
    url = popular[pick_popular()]
  else
    url = string.format("https://bench.example.com/%s/%d", run_id, seq)
  end
  local body = string.format('{"url":"%s","comment":"bench write %d","tags":["%s","%s"]}',
    url, seq, tag_pool[math.random(#tag_pool)], tag_pool[math.random(#tag_pool)])
  local headers = {
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "application/json",
  }
  return wrk.format("POST", "/api/v1/bookmarks", headers, body)
end

-- Search: a common and a rare 2-character Japanese word and an English
-- one, from the seed's vocabularies (crates/seed/src/words.rs); bench.py
-- reads them from here, and bench/README.md says why these ones.
M.SEARCH_WORDS = {
  common = "技術",
  rare = "工作",
  en = "python",
}

function M.urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

-- Everyone's entries matching `word`, ranked by relevance, the first 20.
function M.search(word)
  return wrk.format("GET", "/api/v1/search?q=" .. M.urlencode(word) .. "&limit=20")
end

-- A logged-in user's own bookmarks (private ones included) matching `word`.
function M.search_mine(word)
  local headers = { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] }
  return wrk.format("GET", "/api/v1/search?q=" .. M.urlencode(word) .. "&scope=mine&limit=20", headers)
end

-- The social pages of a logged-in user (each of whom follows 200 people
-- in the seeded data): the followees' feed, my hot entries, and the
-- unread-notification count an open tab polls.
local function signed_in(path)
  local headers = { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] }
  return wrk.format("GET", path, headers)
end

function M.feed() return signed_in("/api/v1/me/feed") end
function M.my_hot() return signed_in("/api/v1/me/hot") end
function M.unread() return signed_in("/api/v1/me/notifications/unread-count") end

return M
