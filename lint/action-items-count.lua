-- action-items-count: more than five open action items rarely all get done.
return {
  id = "action-items-count",
  level = "note",
  rationale = "Few, owned, prioritised items get done; long lists become backlog.",
  check = function(pm, report)
    if #pm.action_items > 5 then
      local first = pm.action_items[6]
      report(first.line, first.col, #pm.action_items .. " action items (more than 5): keep the few that matter most and prioritise them")
    end
  end,
}
