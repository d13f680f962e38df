-- empty-section: a heading with nothing under it but a comment, "TBD" or "TODO".
-- A heading whose subsections follow at once is checked through them.  The
-- "Action items" section may be empty when the items are in the front matter.
-- Not for drafts, which are being written.

local placeholders = {tbd = true, todo = true, tba = true, tk = true, wip = true, ["..."] = true, ["…"] = true}

-- What text (lines joined) holds once comments and blanks are gone, and whether it had a comment.
local function content(text)
  local all = table.concat(text, "\n")
  local had_comment = all:find("<!--", 1, true) ~= nil
  all = all:gsub("<!%-%-.-%-%->", ""):gsub("<!%-%-.*$", "")
  all = all:gsub("^%s+", ""):gsub("%s+$", "")
  return all, had_comment
end

-- Is text only a placeholder ("TBD", "- TODO", "TODO: write this")?
local function placeholder(text)
  local t = string.lower(text):gsub("^[-*+]%s+", ""):gsub("^%*+", ""):gsub("%*+$", "")
  t = t:gsub("^%s+", ""):gsub("[%s%.!:]+$", "")
  local word = t:match("^(%S+)")
  if placeholders[t] then return true end
  return word and (word == "todo:" or word == "tbd:")
end

return {
  id = "empty-section",
  level = "warning",
  rationale = "An empty section reads as if nothing happened there; write it or remove it.",
  check = function(pm, report)
    if pm.status == "draft" then return end
    local line_text, under, k = {}, {}, 0 -- under[i]: the lines of section i
    local sections = pm.sections
    for _, l in ipairs(pm.lines) do
      line_text[l.n] = l.text
      while sections[k + 1] and sections[k + 1].line <= l.n do k = k + 1; under[k] = {} end
      if k > 0 and l.n > sections[k].line then local u = under[k]; u[#u + 1] = l.text end
    end
    for i, s in ipairs(sections) do
      local nxt = sections[i + 1]
      local text, had_comment = content(under[i] or {})
      local parent = nxt and nxt.level > s.level and text == ""
      local tracked = string.lower(s.title):find("action items", 1, true) and #pm.action_items > 0 and
        not pm.actions_from_body
      local what
      if text == "" then
        what = had_comment and "only a comment" or "nothing"
      elseif placeholder(text) then
        what = "only \"" .. text:gsub("%s+", " ") .. "\""
      end
      if what and not parent and not tracked then
        local col = (line_text[s.line] or ""):find(s.title, 1, true) or 1
        report(s.line, col, "section \"" .. s.title .. "\" holds " .. what ..
          " (expected its text under the heading, or no heading)")
      end
    end
  end,
}
