-- take.lua - wrk script: citizens taking queue tickets (POST /o/OFFICE/queue/take) with the
-- anonymous CSRF cookie and token (COOKIE, CSRF) for the services in SERVICES (comma-separated
-- ids of the office's queues). Each request issues one ticket (a 303 to its page).
local services = {}
for id in (os.getenv("SERVICES") or ""):gmatch("%d+") do services[#services + 1] = id end
assert(#services > 0, "no SERVICES")
local office = os.getenv("OFFICE") or "xinxing"
local csrf = os.getenv("CSRF") or ""
local headers = {["Cookie"] = os.getenv("COOKIE") or "",
                 ["Content-Type"] = "application/x-www-form-urlencoded"}
local n = 0
request = function()
  n = n + 1
  local body = string.format("csrf=%s&service=%s&channel=kiosk&priority=", csrf,
    services[n % #services + 1])
  return wrk.format("POST", "/o/" .. office .. "/queue/take", headers, body)
end
