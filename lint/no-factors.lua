-- no-factors: contributing factors are how incidents connect to each other.
return {
  id = "no-factors",
  level = "warning",
  rationale = "Contributing factors link an incident to every other that shared them.",
  check = function(pm, report)
    if pm.kind ~= "drill" and pm.status ~= "draft" and #pm.factors == 0 then
      report(pm.field_lines.contributing_factors or pm.front_line, 1, "no contributing_factors (expected at least one; they link this incident to others)")
    end
  end,
}
