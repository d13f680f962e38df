-- blame-language: blameless postmortems talk about systems, not people.
-- Flags "should have", "human error", "careless", "fault", "who ...?" questions,
-- and a person's name as the subject of a failure in the root-cause section.
-- Lua patterns, matched on the lowercased line at word boundaries.
local phrases = {
  {"%f[%a]should have%f[%A]", "\"should have\" judges a past decision; describe what made it reasonable at the time"},
  {"%f[%a]shouldn't have%f[%A]", "\"shouldn't have\" judges a past decision; describe the conditions instead"},
  {"%f[%a]human error%f[%A]", "\"human error\" ends the analysis; ask what in the system made the error possible"},
  {"%f[%a]careless", "\"careless\" blames a person; describe the system that allowed the slip"},
  {"%f[%a]negligen", "\"negligence\" blames a person; describe the system that allowed it"},
  {"%f[%a]fault%f[%A]", "\"fault\" assigns blame; describe the contributing factors instead"},
  {"%f[%a]at fault%f[%A]", nil},
  {"%f[%a]to blame%f[%A]", "\"to blame\" assigns blame; describe the contributing factors instead"},
}
local failure_verbs = {"forgot", "failed", "broke", "missed", "didn't", "did not", "caused", "neglected",
  "ignored", "messed up", "screwed up", "overlooked"}

local function lower(s) return string.lower(s) end

local function in_root_cause(sections, n)
  local inside = false
  for _, s in ipairs(sections) do
    if s.line > n then break end
    local t = lower(s.title)
    inside = t:find("root cause", 1, true) ~= nil or t:find("contributing factor", 1, true) ~= nil
  end
  return inside
end

local function first_names(pm)
  local names = {}
  local function add(full)
    if not full then return end
    for word in full:gmatch("%a+") do names[#names + 1] = word; break end
    names[#names + 1] = full
  end
  add(pm.owner)
  for _, a in ipairs(pm.authors) do add(a) end
  for _, a in ipairs(pm.action_items) do add(a.owner) end
  return names
end

return {
  id = "blame-language",
  level = "warning",
  rationale = "Blameless postmortems talk about systems, not people.",
  check = function(pm, report)
    local names = first_names(pm)
    local fence = false
    for _, line in ipairs(pm.lines) do
      local text = line.text
      if text:match("^%s*```") or text:match("^%s*~~~") then fence = not fence end
      if not fence and not text:match("^%s*|") then
        local low = lower(text)
        for _, p in ipairs(phrases) do
          local at = p[2] and low:find(p[1])
          if at then report(line.n, at, p[2]) end
        end
        local who = low:find("%f[%a]who%f[%A][^%.!]*%?")
        if who then report(line.n, who, "\"who ...?\" looks for a person to blame; ask \"how did this make sense?\"") end
        if in_root_cause(pm.sections, line.n) then
          for _, name in ipairs(names) do
            for _, verb in ipairs(failure_verbs) do
              local at = text:find(name .. " " .. verb, 1, true)
              if at then
                report(line.n, at, name .. " is the subject of a failure; describe what the system allowed, not what a person did")
              end
            end
          end
        end
      end
    end
  end,
}
