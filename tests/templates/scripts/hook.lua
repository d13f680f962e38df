-- a hook for the sandbox tests
return function(pm)
  if pm.title == nil then
    error("no title")
  end
  return string.upper(pm.title), type(io), type(require)
end
