-- wrk script: PUT one small text-format push per request, over 120 groups.
local groups = 120
local n = 0
local body = "# TYPE bench_value gauge\nbench_value 1\n# TYPE bench_total counter\nbench_total 42\n"
request = function()
  n = n + 1
  local i = n % groups
  local path = "/metrics/job/bench" .. i .. "/instance/i" .. i .. "/zone/z" .. (i % 3)
  return wrk.format("PUT", path, { ["Content-Type"] = "text/plain; version=0.0.4" }, body)
end
