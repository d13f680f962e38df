-- helpers.lua: small pure functions the default theme's templates use.
--
-- Helpers see only their own globals and Lua's safe standard library, never
-- the render context: pass them what they need.  A site can ship its own
-- layouts/helpers.lua to replace this file.

-- "1 postmortem", "3 postmortems", plural(2, "near-miss", "near-misses")
function plural(n, one, many)
  n = n or 0
  return tostring(n) .. " " .. (n == 1 and one or (many or one .. "s"))
end

-- "83%" for 0.8333, "—" when there is no rate (nothing countable)
function pct(rate)
  if rate == nil then return "—" end
  return string.format("%d%%", math.floor(rate * 100 + 0.5))
end

-- 0..100 for a CSS width, 0 when there is no rate
function pct_num(rate)
  if rate == nil then return 0 end
  return math.floor(rate * 100 + 0.5)
end

local months = {"January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December"}
function month_name(m) return months[tonumber(m)] or "" end
function month_abbr(m) return string.sub(months[tonumber(m)] or "", 1, 3) end

-- join({"a", "b"}) -> "a, b"; join(nodes, " · ", "name") joins a field
function join(list, sep, field)
  local out = {}
  for i, v in ipairs(list or {}) do
    if field then out[i] = tostring(v[field]) else out[i] = tostring(v) end
  end
  return table.concat(out, sep or ", ")
end

-- number of entries of a list, 0 for nil
function count(list)
  if type(list) ~= "table" then return 0 end
  return #list
end

-- the first n entries of a list
function take(list, n)
  local out = {}
  for i, v in ipairs(list or {}) do
    if i > n then break end
    out[i] = v
  end
  return out
end

-- entries of list whose field equals value
function where(list, field, value)
  local out = {}
  for _, v in ipairs(list or {}) do
    if v[field] == value then out[#out + 1] = v end
  end
  return out
end

-- the largest value of field over list (0 for an empty list)
function max_of(list, field)
  local m = 0
  for _, v in ipairs(list or {}) do
    local x = v[field] or 0
    if x > m then m = x end
  end
  return m
end

-- 1234567 -> "1,234,567"
function num(n)
  if n == nil then return "" end
  local s = tostring(math.floor(n))
  local sign, digits = string.match(s, "^(-?)(%d+)$")
  if not digits then return s end
  local out = string.reverse(string.gsub(string.reverse(digits), "(%d%d%d)", "%1,"))
  return sign .. string.gsub(out, "^,", "")
end

-- minutes -> "9 min", "1 h 40 min", "2 d 3 h"; "—" when unknown
function minutes(m)
  if m == nil then return "—" end
  m = math.floor(m + 0.5)
  if m < 60 then return m .. " min" end
  if m < 1440 then
    local h, r = m // 60, m % 60
    return r == 0 and (h .. " h") or (h .. " h " .. r .. " min")
  end
  local d, h = m // 1440, (m % 1440) // 60
  return h == 0 and (d .. " d") or (d .. " d " .. h .. " h")
end

-- "2025-03-06" (or a date-time) -> "6 Mar 2025".  Remembered: a site shows
-- each date on many pages (a pure function, so this changes no output).
local human_dates = {}
function human_date(s)
  if not s then return "" end
  local known = human_dates[s]
  if known then return known end
  local y, m, d = string.match(s, "^(%d%d%d%d)-(%d%d)-(%d%d)")
  local out = s
  if y then out = tonumber(d) .. " " .. month_abbr(m) .. " " .. y end
  human_dates[s] = out
  return out
end

-- "2025-03-06T11:15:00Z" -> "11:15 UTC", "...T11:15:00+02:00" -> "11:15 +02:00"
function clock(s)
  if not s then return "" end
  local hm, zone = string.match(s, "T(%d%d:%d%d)[%d:.]*(.*)$")
  if not hm then return "" end
  if zone == "Z" or zone == "+00:00" then zone = "UTC" end
  if zone == "" then return hm end
  return hm .. " " .. zone
end

-- the rank of severity `name` among the site's severities (1 = most severe),
-- capped at 5; a number is taken as the rank itself
function sev_rank(name, severities)
  local rank = 5
  if type(severities) == "number" then
    rank = severities
  else
    for i, s in ipairs(severities or {}) do
      if s == name then rank = i break end
    end
  end
  if rank > 5 then rank = 5 end
  return rank
end

-- "SEV2" -> "sev sev-2": 1 is the most severe; 5 and beyond share the calmest style
local sev_classes = {"sev sev-1", "sev sev-2", "sev sev-3", "sev sev-4", "sev sev-5"}
function sev_class(name, severities)
  return sev_classes[sev_rank(name, severities)] or ("sev sev-" .. sev_rank(name, severities))
end

-- a word safe to use in a class name: "in review" -> "in-review"
function token(s)
  return (string.gsub(string.lower(tostring(s or "")), "[^%w]+", "-"))
end

local labels = {
  ["draft"] = "Draft", ["in-review"] = "In review", ["complete"] = "Complete",
  ["open"] = "Open", ["in-progress"] = "In progress", ["done"] = "Done",
  ["wont-do"] = "Won't do", ["incident"] = "Incident", ["near-miss"] = "Near-miss",
  ["drill"] = "Drill", ["must"] = "Must", ["should"] = "Should", ["nice"] = "Nice to have",
}
function status_label(s) return labels[s] or s end

-- "process" -> "Process"
function cap(s)
  if not s or s == "" then return "" end
  return string.upper(string.sub(s, 1, 1)) .. string.sub(s, 2)
end

-- related incidents: the order and heading of each `why`
related_groups = {
  {why = "related", title = "Related"},
  {why = "links here", title = "Links here"},
  {why = "similar", title = "Similar incidents"},
}

-- true when a ticket is a link rather than an id
function is_url(s)
  return type(s) == "string" and (string.match(s, "^https?://") ~= nil)
end
