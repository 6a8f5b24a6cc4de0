-- intake.lua - wrk script: counter intake (POST /staff/intake) as a signed-in clerk or
-- supervisor: COOKIE is the session cookie, CSRF its token, SERVICES a comma-separated list of
-- service ids of the office. Each request creates a case (the answer is a 303 to the receipt).
local services = {}
for id in (os.getenv("SERVICES") or ""):gmatch("%d+") do services[#services + 1] = id end
assert(#services > 0, "no SERVICES")
local csrf = os.getenv("CSRF") or ""
local headers = {["Cookie"] = os.getenv("COOKIE") or "",
                 ["Content-Type"] = "application/x-www-form-urlencoded"}
local surnames = {"%E7%8E%8B", "%E6%9E%97", "%E9%99%B3", "%E9%BB%83", "%E5%BC%B5"}
local n = 0
math.randomseed(tonumber(os.getenv("SEED") or "42"))
request = function()
  n = n + 1
  local body = string.format("csrf=%s&service_id=%s&applicant_name=%s%%E5%%B0%%8F%%E6%%98%%8E"
    .. "&notify=none&channel=counter&lang=zh-TW&doc_0=%%E7%%94%%B3%%E8%%AB%%8B%%E6%%9B%%B8",
    csrf, services[math.random(1, #services)], surnames[n % #surnames + 1])
  return wrk.format("POST", "/staff/intake", headers, body)
end
