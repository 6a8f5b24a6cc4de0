-- paths.lua - wrk script: GET requests to paths drawn at random from PATHS (one a line), with
-- the session cookie COOKIE when set (staff pages) and Accept: application/json when
-- ACCEPT=json.
local paths = {}
for line in io.lines(os.getenv("PATHS") or "paths.txt") do
  if line ~= "" then paths[#paths + 1] = line end
end
assert(#paths > 0, "no paths")
math.randomseed(tonumber(os.getenv("SEED") or "42"))
local headers = {}
if os.getenv("COOKIE") then headers["Cookie"] = os.getenv("COOKIE") end
if os.getenv("ACCEPT") == "json" then headers["Accept"] = "application/json" end
request = function()
  return wrk.format("GET", paths[math.random(1, #paths)], headers)
end
