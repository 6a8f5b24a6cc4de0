-- lookup.lua - wrk script: public progress lookups of random generated cases (gen-cases.sh).
-- N and SEED come from the environment; ACCEPT "json" asks for the JSON view.
local n = tonumber(os.getenv("N") or "1000")
local seed = tonumber(os.getenv("SEED") or "42")
local json = os.getenv("ACCEPT") == "json"
math.randomseed(seed)
request = function()
  local s = math.random(1, n)
  local check = string.format("%06d", (s * 7919 + seed) % 1000000)
  local path = string.format("/o/xinxing/progress?number=114-BENCH-%06d&check=%s", s, check)
  local headers = {}
  if json then headers["Accept"] = "application/json" end
  return wrk.format("GET", path, headers)
end
