-- action-item-vague: "improve", "investigate", "look into" without a measurable outcome.
local vague = {"improve", "investigate", "look into", "revisit", "consider", "explore", "better",
  "make sure", "ensure", "monitor more"}

local function measurable(a)
  if a.success_criteria and a.success_criteria ~= "" then return true end
  return a.title:find("%d") ~= nil -- a number: a threshold, a count, a time
end

return {
  id = "action-item-vague",
  level = "warning",
  rationale = "A vague action item cannot be finished; say what will be true when it is done.",
  check = function(pm, report)
    for _, a in ipairs(pm.action_items) do
      local low = string.lower(a.title)
      for _, w in ipairs(vague) do
        if low:find("%f[%a]" .. w) and not measurable(a) then
          report(a.line, a.col, "action item \"" .. a.title .. "\" is vague (\"" .. w ..
            "\"); add success_criteria or a measurable outcome")
          break
        end
      end
    end
  end,
}
