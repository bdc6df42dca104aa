-- wrk script: public online applications (POST /api/v1/applications), each
-- a durable ledger append with its receipt. Service codes come after "--":
--   codes=$(curl -s 'http://127.0.0.1:8080/api/v1/services?per_page=100' |
--           grep -o '"code":"[^"]*"' | cut -d'"' -f4)
--   wrk -t2 -c64 -d15s --latency -s scripts/wrk-submissions.lua \
--       http://127.0.0.1:8080 -- $codes
-- Start the server with --rate-limit 0 (the limit is per client address).
local codes = {}
local i = 0
local bodies = {}

function init(args)
  for _, c in ipairs(args) do table.insert(codes, c) end
  if #codes == 0 then
    error("give service codes after --")
  end
  for _, c in ipairs(codes) do
    table.insert(bodies, '{"service_code":"' .. c .. '","summary":"压力测试申请","applicant":{"type":"natural",' ..
      '"name":"司马相如","id_type":"resident_id","id_number":"11010519491231002X","phone":"13812345678",' ..
      '"address":"清江县文昌路16号"}}')
  end
end

function request()
  i = i + 1
  return wrk.format("POST", "/api/v1/applications", {["Content-Type"] = "application/json"}, bodies[(i % #bodies) + 1])
end

local errors = 0
function response(status, headers, body)
  if status ~= 201 and status ~= 200 then
    errors = errors + 1
    if errors <= 3 then print("status " .. status .. ": " .. body) end
  end
end
