-- blame-language: blameless postmortems talk about systems, not people.
-- Flags "should have", "should've", "human error", "operator error", "careless",
-- "fault", "who ...?" questions, and a person's name as the subject of a failure,
-- in every section of the body (a sentence wrapped across lines is read whole)
-- and in the front matter's prose (title, summary, impact.description, factors,
-- action items).  Lua patterns, matched on the lowercased text at word boundaries.
local phrases = {
  {"%f[%a]should have%f[%A]", "\"should have\" judges a past decision; describe what made it reasonable at the time"},
  {"%f[%a]should['\226]\128?\153?ve%f[%A]", "\"should've\" judges a past decision; describe what made it reasonable at the time"},
  {"%f[%a]shouldn't have%f[%A]", "\"shouldn't have\" judges a past decision; describe the conditions instead"},
  {"%f[%a]human error%f[%A]", "\"human error\" ends the analysis; ask what in the system made the error possible"},
  {"%f[%a]operator error%f[%A]", "\"operator error\" ends the analysis; ask what in the system made the error possible"},
  {"%f[%a]careless", "\"careless\" blames a person; describe the system that allowed the slip"},
  {"%f[%a]negligen", "\"negligence\" blames a person; describe the system that allowed it"},
  {"%f[%a]fault%f[%A]", "\"fault\" assigns blame; describe the contributing factors instead"},
  {"%f[%a]to blame%f[%A]", "\"to blame\" assigns blame; describe the contributing factors instead"},
  {"%f[%a]who%f[%A][^%.!]*%?", "\"who ...?\" looks for a person to blame; ask \"how did this make sense?\""},
}
local failure_verbs = {"forgot", "failed", "broke", "missed", "didn't", "did not", "caused", "neglected",
  "ignored", "messed up", "screwed up", "overlooked"}
-- "failed over" and "failed back" are operations, not failures.
local not_failures = {"failed over", "failed back"}

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

-- The body's prose as paragraphs: lines joined with one space, each part
-- remembering its line and the column its text starts at.  Code blocks,
-- tables and HTML comments (the template's guidance) are left out; a heading
-- or a list item starts a paragraph of its own.
local function paragraphs(lines)
  local paras, cur, fence, comment = {}, nil, false, false
  for _, line in ipairs(lines) do
    local t = line.text:gsub("\r$", "")
    local in_comment = comment or (not fence and t:match("^%s*<!%-%-") ~= nil)
    comment = in_comment and not t:find("-->", 1, true)
    if in_comment then t = "" end
    local is_fence = t:match("^%s*```") or t:match("^%s*~~~")
    if is_fence then fence = not fence end
    local heading = t:match("^%s*#")
    if fence or is_fence or t:match("^%s*|") or t:match("^%s*$") or heading or
       t:match("^%s*[-*+] ") or t:match("^%s*%d+[.)] ") then
      cur = nil
    end
    if not (fence or is_fence or t:match("^%s*|") or t:match("^%s*$")) then
      if not cur then cur = {text = "", parts = {}}; paras[#paras + 1] = cur end
      local lead = #t:match("^%s*")
      if #cur.text > 0 then cur.text = cur.text .. " " end
      cur.parts[#cur.parts + 1] = {start = #cur.text + 1, n = line.n, col = lead + 1}
      cur.text = cur.text .. t:sub(lead + 1)
      if heading then cur = nil end
    end
  end
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
      local at, stop = low:find(p[1], from)
      if not at then break end
      out[#out + 1] = {at, p[2]}
      from = stop + 1
    end
  end
  for _, name in ipairs(names) do
    for _, verb in ipairs(failure_verbs) do
      local from = 1
      while true do
        local at, stop = text:find(name .. " " .. verb, from, true)
        if not at then break end
        local rest, operation = text:sub(at + #name + 1), false
        for _, op in ipairs(not_failures) do
          if rest:sub(1, #op) == op then operation = true end
        end
        local before, after = text:sub(at - 1, at - 1), text:sub(stop + 1, stop + 1)
        if not operation and not before:match("[%w]") and not after:match("[%w]") then
          out[#out + 1] = {at, name .. " is the subject of a failure; describe what the system allowed, not what a person did"}
        end
        from = stop + 1
      end
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
