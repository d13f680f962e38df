-- helpers.lua: small pure functions the default theme's templates use.
-- A site can ship its own layouts/helpers.lua to replace this file.

function plural(n, one, many)
  n = n or 0
  return tostring(n) .. " " .. (n == 1 and one or (many or one .. "s"))
end

-- "83%" for 0.8333, "–" when there is no rate
function pct(rate)
  if rate == nil then return "–" end
  return string.format("%d%%", math.floor(rate * 100 + 0.5))
end

local months = {"January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December"}
function month_name(m) return months[m] or "" end

function join(list, sep, field)
  local out = {}
  for i, v in ipairs(list or {}) do out[i] = field and v[field] or tostring(v) end
  return table.concat(out, sep or ", ")
end

function minutes(m)
  if m == nil then return "–" end
  m = math.floor(m + 0.5)
  if m < 60 then return m .. " min" end
  if m < 1440 then
    local h, r = m // 60, m % 60
    return r == 0 and (h .. " h") or (h .. " h " .. r .. " min")
  end
  local d, h = m // 1440, (m % 1440) // 60
  return h == 0 and (d .. " d") or (d .. " d " .. h .. " h")
end

function sev_class(s) return "sev sev-" .. string.lower(s or "") end

function status_label(s)
  return ({["in-review"] = "in review", ["wont-do"] = "won't do", ["in-progress"] = "in progress"})[s] or s
end
