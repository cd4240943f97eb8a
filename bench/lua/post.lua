-- Posts reader comments through the public form, each with its own text, and
-- counts how many were acknowledged (303 See Other: the comment is committed).
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
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Origin"] = origin
end

function request()
  counter = counter + 1
  local body = fields .. "&name=Bench+Reader+" .. id .. "&email=bench" .. id .. "%40example.org"
    .. "&body=Benchmark+comment+" .. run .. "-" .. id .. "-" .. counter .. "+on+the+talks"
  return wrk.format(nil, nil, nil, body)
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
