-- wrk hook: every request is a different search (a phrase plus the exclusion of a made-up word), so no answer
-- comes from the result cache; the summary line is report.lua's.
local counter = 0
local phrases = { "diffusion+policy", "reinforcement+learning", "language+model*", "ti%3Arobot*", "graph+OR+network" }
request = function()
  counter = counter + 1
  local q = phrases[(counter % #phrases) + 1]
  return wrk.format("GET", "/search?q=" .. q .. "+-zq" .. counter .. "x&cat=cs.AI")
end
dofile("bench/web/report.lua")
