-- the site's helpers.lua replaces the theme's
function shout(s) return "site: " .. s end
