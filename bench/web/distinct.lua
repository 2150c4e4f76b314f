-- wrk hook: every request is a different search (a phrase plus the exclusion of a made-up word), so no answer
-- comes from the result cache; the summary line is report.lua's.
-- Each wrk thread has its own Lua state, so the thread's number goes into the word too (otherwise the threads would
-- send the same sequence and answer half of each other's requests from the cache). SALT (environment) keeps the
-- queries of a warm-up run apart from those of the measured run.
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0
local salt = os.getenv("SALT") or "x"
local phrases = { "diffusion+policy", "reinforcement+learning", "language+model*", "ti%3Arobot*", "graph+OR+network" }
request = function()
  counter = counter + 1
  local q = phrases[(counter % #phrases) + 1]
  return wrk.format("GET", "/search?q=" .. q .. "+-zq" .. tostring(tid) .. "t" .. counter .. salt .. "&cat=cs.AI")
end
dofile("bench/web/report.lua")
