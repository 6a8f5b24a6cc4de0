-- mixed.lua - wrk script for the soak (bench/soak.sh): a mix of public and staff requests.
-- Environment: SAMPLES (lookups, bench_samples), PATHS (public pages: service pages, FAQ and
-- office searches), COOKIE_H (a handler's session), COOKIE_S and CSRF_S (a supervisor's session
-- and token), SERVICES (service ids for intake).
local samples, pages, services = {}, {}, {}
for line in io.lines(os.getenv("SAMPLES")) do
  local o, k, c = line:match("^(%S+) (%S+) (%S+)$")
  if o then samples[#samples + 1] = string.format("/o/%s/progress?number=%s&check=%s", o, k, c) end
end
for line in io.lines(os.getenv("PATHS")) do
  if line ~= "" then pages[#pages + 1] = line end
end
for id in (os.getenv("SERVICES") or ""):gmatch("%d+") do services[#services + 1] = id end
local handler = {["Cookie"] = os.getenv("COOKIE_H")}
local sup = {["Cookie"] = os.getenv("COOKIE_S")}
local post = {["Cookie"] = os.getenv("COOKIE_S"),
              ["Content-Type"] = "application/x-www-form-urlencoded"}
local json = {["Accept"] = "application/json"}
local csrf = os.getenv("CSRF_S")
math.randomseed(tonumber(os.getenv("SEED") or "42"))
local function pick(t) return t[math.random(1, #t)] end

request = function()
  local r = math.random(1, 100)
  if r <= 30 then return wrk.format("GET", pick(samples)) end
  if r <= 40 then return wrk.format("GET", pick(samples), json) end
  if r <= 70 then return wrk.format("GET", pick(pages)) end
  if r <= 80 then return wrk.format("GET", "/staff/cases", handler) end
  if r <= 85 then return wrk.format("GET", "/staff/cases?scope=unit&filter=overdue", sup) end
  if r <= 90 then return wrk.format("GET", "/staff/cases?scope=unit", sup) end
  return wrk.format("POST", "/staff/intake", post, string.format(
    "csrf=%s&service_id=%s&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&notify=none"
    .. "&channel=counter&lang=zh-TW", csrf, pick(services)))
end
