-- template-text: the placeholder text `aftermath new` writes, left in.
-- Compares the front matter's prose (title, summary, impact.description) and
-- every body line with the template the site's `new` uses (pm.scaffold), so a
-- site's own template is known too.  Not for drafts, which are being written.

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

-- The template's placeholders: {values = {key = text}, lines = {text = true}}.
local parsed = {}
local function placeholders(text)
  if parsed[text] then return parsed[text] end
  local values, lines, raw = {}, {}, {}
  local part, comment = 0, false -- 0 before the front matter, 1 in it, 2 the body
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    if part < 2 and line:match("^%-%-%-%s*$") then
      part = part + 1
    elseif part == 1 then
      local key, value = line:match("^%s*([%w_]+):%s+(.-)%s*$")
      value = value and value:gsub("%s+#.*$", "")
      if key and value ~= "" and not value:find("{{", 1, true) and not value:match("^[%[{#|>&*!'\"]") then
        values[key] = value
      end
    elseif part == 2 then
      raw[#raw + 1] = line
    end
  end
  for i, line in ipairs(raw) do
    local t = trim(line)
    local was_comment = comment
    if t:find("<!--", 1, true) then comment = true end
    local header = t:match("^|") and raw[i + 1] and raw[i + 1]:match("^%s*|%s*:?%-")
    if not was_comment and not comment and t ~= "" and not t:match("^#") and not header and
       not t:match("^|%s*:?%-") and not t:find("{{", 1, true) and t:match("%a") then
      lines[t] = true
    end
    if t:find("-->", 1, true) then comment = false end
  end
  parsed[text] = {values = values, lines = lines}
  return parsed[text]
end

local template_key = {summary = "summary", ["impact.description"] = "description"}

return {
  id = "template-text",
  level = "warning",
  rationale = "Placeholder text left in reads as if it were the postmortem's.",
  check = function(pm, report)
    local sc = pm.scaffold
    if pm.status == "draft" or not sc then return end
    local p = sc.text and placeholders(sc.text) or {values = {}, lines = {}}
    for _, t in ipairs(pm.texts or {}) do
      local key = template_key[t.field]
      if (t.field == "title" and t.text == sc.title) or (key and p.values[key] == t.text) then
        report(t.line, t.col, t.field .. " is still the template's \"" .. t.text .. "\" (expected your own words)")
      end
    end
    local fence = false
    for _, line in ipairs(pm.lines) do
      local t = line.text:match("^%s*(.-)%s*$")
      local c = t:sub(1, 1)
      if (c == "`" or c == "~") and (t:match("^```") or t:match("^~~~")) then fence = not fence end
      if not fence and p.lines[t] then
        report(line.n, #line.text:match("^%s*") + 1, "template text left in: \"" .. t .. "\" (expected your own words)")
      end
    end
  end,
}
