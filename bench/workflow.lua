-- workflow.lua - wrk script for the soak (bench/soak.sh), run with ONE connection per thread
-- (-t1 -c1) so that every answer belongs to the request before it: takes a case in, opens its
-- page, moves it through the land-registration workflow to closed (every fifth case through a
-- correction first), records the pickup, then the next case. COOKIE and CSRF: a supervisor's
-- session (handler and supervisor roles); SERVICES: service ids of the supervisor's unit.
local services = {}
for id in (os.getenv("SERVICES") or ""):gmatch("%d+") do services[#services + 1] = id end
local csrf = os.getenv("CSRF")
local get = {["Cookie"] = os.getenv("COOKIE")}
local post = {["Cookie"] = os.getenv("COOKIE"),
              ["Content-Type"] = "application/x-www-form-urlencoded"}
local main = {"first_review", "second_review", "recording", "proofreading", "records_updated",
              "closed"}
local case, step, cases = nil, 0, 0
local plan = {}

local function start()
  cases = cases + 1
  plan = {{"GET", ""}}
  local with_correction = cases % 5 == 0
  for i, to in ipairs(main) do
    plan[#plan + 1] = {"POST", "/status", "to=" .. to}
    if i == 1 and with_correction then
      plan[#plan + 1] = {"POST", "/correction", "items=%E7%BC%BA%E5%8D%B0%E9%91%91%E8%AD%89%E6%98%8E"}
      plan[#plan + 1] = {"POST", "/corrected", ""}
    end
  end
  plan[#plan + 1] = {"POST", "/pickup", ""}
  plan[#plan + 1] = {"GET", ""}
end

request = function()
  if not case then
    return wrk.format("POST", "/staff/intake", post, string.format(
      "csrf=%s&service_id=%s&applicant_name=%%E6%%9E%%97%%E5%%A4%%A7%%E5%%90%%8C&notify=none"
      .. "&channel=counter&lang=zh-TW", csrf, services[math.random(1, #services)]))
  end
  local s = plan[step]
  if s[1] == "GET" then return wrk.format("GET", "/staff/cases/" .. case, get) end
  return wrk.format("POST", "/staff/cases/" .. case .. s[2], post,
                    "csrf=" .. csrf .. (s[3] ~= "" and "&" .. s[3] or ""))
end

response = function(status, headers, body)
  if not case then
    local id = (headers["Location"] or headers["location"] or ""):match("/staff/cases/(%d+)")
    if status == 303 and id then case, step = id, 1; start() end
    return
  end
  if status >= 400 then case = nil; return end -- counted by wrk as an error; next case
  step = step + 1
  if step > #plan then case = nil end
end
