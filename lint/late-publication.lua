-- late-publication: write it up while people still remember.
return {
  id = "late-publication",
  level = "note",
  rationale = "Details fade within days; publish within 7 days of resolution.",
  check = function(pm, report)
    if pm.published_day and pm.resolved_day and pm.published_day - pm.resolved_day > 7 then
      report(pm.field_lines.published or pm.front_line, 1, "published " .. (pm.published_day - pm.resolved_day) ..
        " days after resolution (expected within 7)")
    end
  end,
}
