-- lookup.lua - wrk script: public progress lookups of generated cases, drawn at random from
-- SAMPLES (a file of "office number check" lines, bench/lib.sh bench_samples). ACCEPT=json
-- asks for the JSON view. SEED fixes the draw.
local file = os.getenv("SAMPLES") or "samples.txt"
local json = os.getenv("ACCEPT") == "json"
local paths = {}
for line in io.lines(file) do
  local office, number, check = line:match("^(%S+) (%S+) (%S+)$")
  if office then
    paths[#paths + 1] = string.format("/o/%s/progress?number=%s&check=%s", office, number, check)
  end
end
assert(#paths > 0, "no samples in " .. file)
math.randomseed(tonumber(os.getenv("SEED") or "42"))
local headers = {}
if json then headers["Accept"] = "application/json" end
request = function()
  return wrk.format("GET", paths[math.random(1, #paths)], headers)
end
