-- wrk script: rotates through pre-signed bodies (the file named in BODIES, written by bench.py).
-- PACE_MS (env) > 0 makes each connection wait that long between requests (fixed rate).
dofile(assert(os.getenv("BODIES"), "set BODIES to the bodies file bench.py wrote"))
local i = 0
local pace = tonumber(os.getenv("PACE_MS") or "0")

function setup(thread)
  thread:set("offset", math.random(1, #bodies))
end

-- Each thread formats its requests once, so the generator spends its CPU on sending them
-- rather than on building strings in Lua (that cost lands on the same cores as the server).
local requests = {}

function init(args)
  for k, b in ipairs(bodies) do
    requests[k] = wrk.format("POST", path, {["Content-Type"] = "application/json", ["X-Signature"] = b[2]}, b[1])
  end
end

request = function()
  i = i + 1
  return requests[((i + (offset or 0)) % #requests) + 1]
end

if pace > 0 then
  delay = function() return pace end
end

done = function(summary, latency, requests)
  local codes = {}
  io.write(string.format("JSON {\"requests\": %d, \"duration_us\": %d, \"errors\": %d, \"p50_us\": %d, \"p99_us\": %d, \"non2xx\": %d}\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.errors.status))
end
