-- empty-timeline: a timeline section with fewer than two entries (not in a draft, still being written).
return {
  id = "empty-timeline",
  level = "warning",
  rationale = "The timeline is where readers learn how the incident unfolded.",
  check = function(pm, report)
    if pm.status == "draft" then return end
    for i, s in ipairs(pm.sections) do
      if string.lower(s.title):find("timeline", 1, true) then
        local stop = pm.sections[i + 1] and pm.sections[i + 1].line or math.huge
        local entries = 0
        for _, line in ipairs(pm.lines) do
          if line.n > s.line and line.n < stop then
            local t = line.text
            local row = t:match("^%s*|") and not t:match("^%s*|%s*%-") and not t:lower():find("time", 1, true)
            if row or t:match("^%s*[-*] ") or t:match("^%s*%d+%. ") then entries = entries + 1 end
          end
        end
        if entries < 2 then
          report(s.line, 1, "the timeline has " .. entries .. (entries == 1 and " entry" or " entries") .. "; list what happened, in UTC, from the first sign to recovery")
        end
        return
      end
    end
  end,
}
