-- wrk script: walk a pool of distinct paths, one per request, never repeating one while
-- the pool lasts. Thread n takes paths n, n + threads, n + 2 × threads, …; a thread that
-- runs out starts again and counts the repeats, which bench/run.py reports (a repeated
-- path may be answered from the page cache). Prints the results as one JSON line, with
-- percentiles from wrk's own latency histogram (microseconds).
--
--   wrk -t2 -c8 -d10s -s pool.lua http://127.0.0.1:8000 -- paths.txt 2

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  stride = tonumber(args[2])
  position = thread_number
  lap = 0
  repeats = 0
end

function request()
  if position > #paths then
    position = (position - 1) % #paths + 1
    lap = lap + 1
  end
  if lap > 0 then
    repeats = repeats + 1
  end
  local path = paths[position]
  position = position + stride
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local repeated = 0
  for _, thread in ipairs(threads) do
    repeated = repeated + (thread:get("repeats") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, '
      .. '"p50_us": %.0f, "p90_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, '
      .. '"max_us": %.0f, "mean_us": %.1f, "errors_connect": %.0f, "errors_read": %.0f, '
      .. '"errors_write": %.0f, "errors_status": %.0f, "errors_timeout": %.0f, '
      .. '"repeated": %.0f}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout, repeated))
end
