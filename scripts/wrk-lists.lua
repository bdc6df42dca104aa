-- wrk script: a mix of list queries as a portal's visitors make them —
-- search terms, category and department filters, several pages.
-- wrk -t2 -c64 -d15s --latency -s scripts/wrk-lists.lua http://127.0.0.1:8080
local terms = {"许可", "处罚", "登记", "食品", "药品", "建设", "道路", "安全", "环境", "农业",
  "卫生", "教育", "治安", "消防", "经营", "生产", "检查", "确认", "奖励", "征收",
  "行政许可法", "第三十五条", "xk-scjg", "cf-gaj", "备案", "证明", "补贴", "救助", "特种设备", "烟花爆竹"}
local cats = {"XK", "CF", "QZ", "ZS", "JF", "JC", "QR", "JL", "CJ", "QT"}
local depts = {"scjg", "gaj", "zjj", "nyj", "mzj", "wjj", "jtj", "zrj", "rsj", "yjj"}
local function esc(s)
  return (s:gsub("[^%w%-]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local paths = {}
for _, t in ipairs(terms) do
  for page = 1, 3 do table.insert(paths, "/api/v1/powers?q=" .. esc(t) .. "&page=" .. page) end
end
for _, c in ipairs(cats) do table.insert(paths, "/api/v1/powers?category=" .. c) end
for _, d in ipairs(depts) do
  table.insert(paths, "/api/v1/powers?dept=" .. d)
  table.insert(paths, "/api/v1/services?dept=" .. d)
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
