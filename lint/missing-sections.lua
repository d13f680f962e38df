-- missing-sections: the sections of a good postmortem.
local required = {
  {"summary"}, {"impact"}, {"timeline"}, {"root cause"}, {"detection"}, {"resolution"},
  {"lessons learned", "what went well"}, {"action items"},
}

return {
  id = "missing-sections",
  level = "warning",
  rationale = "Every postmortem answers the same questions, so readers can compare them.",
  check = function(pm, report)
    if pm.status == "draft" then return end
    local titles = {}
    for _, s in ipairs(pm.sections) do titles[#titles + 1] = string.lower(s.title) end
    local missing = {}
    for _, alternatives in ipairs(required) do
      local found = false
      for _, t in ipairs(titles) do
        for _, want in ipairs(alternatives) do
          if t:find(want, 1, true) then found = true end
        end
      end
      -- Items tracked in the front matter need no section of their own.
      if alternatives[1] == "action items" and #pm.action_items > 0 and not pm.actions_from_body then
        found = true
      end
      if not found then missing[#missing + 1] = alternatives[1] end
    end
    if #missing > 0 then
      report(1, 1, "missing sections: " .. table.concat(missing, ", "))
    end
  end,
}
