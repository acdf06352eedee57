-- wrk script for bench/load.py: replays signed Twilio webhook requests recorded from real
-- simulated calls (one per line: path<TAB>signature<TAB>form body), and prints the figures
-- as one JSON line at the end.
local requests = {}
local position = 0

init = function(args)
  for line in io.lines(args[1]) do
    local path, signature, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", path, {
      ["X-Twilio-Signature"] = signature,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
  position = math.random(#requests)
end

request = function()
  position = position % #requests + 1
  return requests[position]
end

done = function(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
