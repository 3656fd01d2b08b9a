-- wrk script for the Sentry envelope benchmark (bench/sentry.py): rotates through pre-built
-- gzip envelopes. BODIES is the bodies back to back, LENGTHS their byte lengths, one per line;
-- AUTH the X-Sentry-Auth header; TARGET the path.
local f = assert(io.open(assert(os.getenv("BODIES")), "rb"))
local data = f:read("*a")
f:close()
local bodies, pos = {}, 1
for len in io.lines(assert(os.getenv("LENGTHS"))) do
  local n = tonumber(len)
  bodies[#bodies + 1] = data:sub(pos, pos + n - 1)
  pos = pos + n
end
local i = 0
local requests = {}

function setup(thread)
  thread:set("offset", math.random(1, #bodies))
end

function init(args)
  local headers = {
    ["Content-Type"] = "application/x-sentry-envelope",
    ["Content-Encoding"] = "gzip",
    ["X-Sentry-Auth"] = os.getenv("AUTH"),
  }
  for k, b in ipairs(bodies) do
    requests[k] = wrk.format("POST", os.getenv("TARGET"), headers, b)
  end
end

request = function()
  i = i + 1
  return requests[((i + (offset or 0)) % #requests) + 1]
end

done = function(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"duration_us\": %d, \"errors\": %d, \"p50_us\": %d, \"p99_us\": %d, \"non2xx\": %d}\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.errors.status))
end
