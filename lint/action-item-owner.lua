-- action-item-owner: every action item needs one person and a date.
local team_words = {"team", "squad", "crew", "group", "oncall", "on-call", "everyone", "all", "sre", "ops", "eng", "tbd"}

local function looks_like_team(owner)
  local low = string.lower(owner)
  for _, w in ipairs(team_words) do
    if low == w or low:find("%f[%a]" .. w .. "%f[%A]") then return true end
  end
  return false
end

return {
  id = "action-item-owner",
  level = "warning",
  rationale = "An action item with no single owner and no due date does not get done.",
  check = function(pm, report)
    for _, a in ipairs(pm.action_items) do
      if a.status == "open" or a.status == "in-progress" then
        if not a.owner or a.owner == "" then
          report(a.line, a.col, "action item \"" .. a.title .. "\" has no owner (expected one person)")
        elseif looks_like_team(a.owner) then
          report(a.line, a.col, "action item \"" .. a.title .. "\" is owned by a team (\"" .. a.owner .. "\"); name one person")
        end
        if not a.due then
          report(a.line, a.col, "action item \"" .. a.title .. "\" has no due date")
        end
      end
    end
  end,
}
