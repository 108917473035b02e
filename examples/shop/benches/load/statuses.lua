-- Shared by the load scripts: counts answers by status in every thread, and prints, when wrk
-- is done, the statuses, the 5xx count and wrk's own summary as one JSON line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts, server_errors = {}, 0
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, count))
    if status >= 500 then server_errors = server_errors + count end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "per_second": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, '
      .. '"max_ms": %.2f, "socket_errors": %d, "timeouts": %d, "server_errors": %d, '
      .. '"statuses": {%s}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, server_errors, table.concat(parts, ", ")))
end
