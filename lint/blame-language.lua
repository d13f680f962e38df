-- blame-language: blameless postmortems talk about systems, not people.
-- Flags "should have", "should've", "human error", "operator error", "careless",
-- "fault", "who ...?" questions, and a person's name as the subject of a failure,
-- in every section of the body (a sentence wrapped across lines is read whole)
-- and in the front matter's prose (title, summary, impact.description, factors,
-- action items).  Lua patterns, matched on the lowercased text at word boundaries.
-- {plain text to look for first (fast), the pattern at it, the message}
local phrases = {
  {"should", "^should have%f[%A]", "\"should have\" judges a past decision; describe what made it reasonable at the time"},
  {"should", "^should['\226]\128?\153?ve%f[%A]", "\"should've\" judges a past decision; describe what made it reasonable at the time"},
  {"shouldn't", "^shouldn't have%f[%A]", "\"shouldn't have\" judges a past decision; describe the conditions instead"},
  {"human error", "^human error%f[%A]", "\"human error\" ends the analysis; ask what in the system made the error possible"},
  {"operator error", "^operator error%f[%A]", "\"operator error\" ends the analysis; ask what in the system made the error possible"},
  {"careless", "^careless", "\"careless\" blames a person; describe the system that allowed the slip"},
  {"negligen", "^negligen", "\"negligence\" blames a person; describe the system that allowed it"},
  {"fault", "^fault%f[%A]", "\"fault\" assigns blame; describe the contributing factors instead"},
  {"to blame", "^to blame%f[%A]", "\"to blame\" assigns blame; describe the contributing factors instead"},
  {"who", "^who%f[%A][^%.!]*%?", "\"who ...?\" looks for a person to blame; ask \"how did this make sense?\""},
}
local failure_verbs = {"forgot", "failed", "broke", "missed", "didn't", "did not", "caused", "neglected",
  "ignored", "messed up", "screwed up", "overlooked"}
-- "failed over" and "failed back" are operations, not failures.
local not_failures = {"failed over", "failed back"}

local function first_names(pm)
  local names, seen = {}, {}
  local function add1(name)
    if name ~= "" and not seen[name] then seen[name] = true; names[#names + 1] = name end
  end
  local function add(full)
    if not full then return end
    add1(full:match("%a+") or "")
    add1(full)
  end
  add(pm.owner)
  for _, a in ipairs(pm.authors) do add(a) end
  for _, a in ipairs(pm.action_items) do add(a.owner) end
  return names
end

-- The body's prose as paragraphs: lines joined with one space, each part
-- remembering its line and the column its text starts at.  Code blocks,
-- tables and HTML comments (the template's guidance) are left out; a heading
-- or a list item starts a paragraph of its own.
local function paragraphs(lines)
  local paras, cur, fence, comment = {}, nil, false, false
  local function close()
    if cur then cur.text = table.concat(cur.pieces, " "); cur.pieces = nil end
    cur = nil
  end
  for _, line in ipairs(lines) do
    local t = line.text:gsub("\r$", "")
    local in_comment = comment or (not fence and t:match("^%s*<!%-%-") ~= nil)
    comment = in_comment and not t:find("-->", 1, true)
    if in_comment then t = "" end
    local is_fence = t:match("^%s*```") or t:match("^%s*~~~")
    if is_fence then fence = not fence end
    local heading = t:match("^%s*#")
    local blank = fence or is_fence or t:match("^%s*|") or t:match("^%s*$")
    if blank or heading or t:match("^%s*[-*+] ") or t:match("^%s*%d+[.)] ") then close() end
    if not blank then
      if not cur then cur = {pieces = {}, parts = {}, len = 0}; paras[#paras + 1] = cur end
      local lead = #t:match("^%s*")
      local start = cur.len + (#cur.pieces > 0 and 2 or 1)
      cur.parts[#cur.parts + 1] = {start = start, n = line.n, col = lead + 1}
      cur.pieces[#cur.pieces + 1] = t:sub(lead + 1)
      cur.len = start + #t - lead - 1
      if heading then close() end
    end
  end
  close()
  return paras
end

-- The line and column of byte `at` of a paragraph's text.
local function place(para, at)
  local part = para.parts[1]
  for _, p in ipairs(para.parts) do
    if p.start <= at then part = p else break end
  end
  return part.n, part.col + at - part.start
end

-- Every finding in text as {at, message}, in order.
local function findings(text, names)
  local low, out = string.lower(text), {}
  for _, p in ipairs(phrases) do
    local from = 1
    while true do
      local at = low:find(p[1], from, true)
      if not at then break end
      -- at a word's start (the %f[%a] of the pattern)
      if not low:sub(at - 1, at - 1):match("%a") and low:find(p[2], at) then out[#out + 1] = {at, p[3]} end
      from = at + 1
    end
  end
  for _, name in ipairs(names) do
    local from = 1
    while true do
      local at, stop = text:find(name .. " ", from, true)
      if not at then break end
      local rest = text:sub(stop + 1, stop + 12)
      local before = text:sub(at - 1, at - 1)
      for _, verb in ipairs(failure_verbs) do
        if rest:sub(1, #verb) == verb and not rest:sub(#verb + 1, #verb + 1):match("[%w]") and
           not before:match("[%w]") then
          local operation = false
          for _, op in ipairs(not_failures) do
            if text:sub(stop + 1, stop + #op) == op then operation = true end
          end
          if not operation then
            out[#out + 1] = {at, name .. " is the subject of a failure; describe what the system allowed, not what a person did"}
          end
          break
        end
      end
      from = stop
    end
  end
  table.sort(out, function(a, b) return a[1] < b[1] end)
  return out
end

return {
  id = "blame-language",
  level = "warning",
  rationale = "Blameless postmortems talk about systems, not people.",
  check = function(pm, report)
    local names = first_names(pm)
    for _, para in ipairs(paragraphs(pm.lines)) do
      for _, f in ipairs(findings(para.text, names)) do
        local n, col = place(para, f[1])
        report(n, col, f[2])
      end
    end
    for _, t in ipairs(pm.texts or {}) do
      for _, f in ipairs(findings(t.text, names)) do
        report(t.line, t.col, "in " .. t.field .. ": " .. f[2])
      end
    end
  end,
}
