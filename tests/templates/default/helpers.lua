-- helpers.lua of the unit tests' default theme
function shout(s) return string.upper(s) .. "!" end
function plural(n, word) return n .. " " .. word .. (n == 1 and "" or "s") end
function bump()
  counter = (counter or 0) + 1
  return counter
end
function rawlen(t) return "helper rawlen" end

function fail(x)
  return x.field
end

-- keeps what it is given from one page to the next (memory across renders)
local kept = {}
function keep(n)
  kept[#kept + 1] = string.rep("k", n)
  return #kept
end
