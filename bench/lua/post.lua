-- Posts reader comments through the public form and counts how many were
-- acknowledged (303 See Other: the comment is committed). Each post comes from
-- its own reader: its own address (X-Forwarded-For, which the server trusts
-- from 127.0.0.1 in the benchmark, as behind a proxy), email and text, so the
-- site's rate limits stay at their defaults and are checked on every post.
-- The form's hidden fields (article_id, ts, sig) and the Origin come from the
-- environment, read once by bench/perf.py from the article page; POST_RUN keeps
-- the texts of one run apart from another's (the same text twice is refused).
local counter = 0
local threads = {}
local fields = os.getenv("POST_FIELDS")
local origin = os.getenv("POST_ORIGIN")
local run = os.getenv("POST_RUN")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  acked = 0
  refused = 0
end

function request()
  counter = counter + 1
  local reader = id .. "-" .. counter
  local body = fields .. "&name=Bench+Reader+" .. reader .. "&email=bench-" .. run .. "-" .. reader .. "%40example.org"
    .. "&body=Benchmark+comment+" .. run .. "-" .. reader .. "+on+the+talks"
  local address = string.format("10.%d.%d.%d", id % 256, math.floor(counter / 256) % 256, counter % 256)
  -- wrk.format takes these headers instead of wrk.headers, so all are named.
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = origin,
    ["X-Forwarded-For"] = address,
  }
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status == 303 then acked = acked + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local a, r = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    r = r + t:get("refused")
  end
  io.write(string.format("ACKED %d\nREFUSED %d\n", a, r))
end
