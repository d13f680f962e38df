function shout(s) return string.upper(s) .. "!" end
