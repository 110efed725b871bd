-- wrk script: every connection is one Low-Latency HLS viewer of a media playlist.
-- A viewer loads the playlist once, then forever: blocking reload for the part named by the
-- preload hint (index.m3u8?_HLS_msn=M&_HLS_part=P), then that part (partM.P.m4s), as hls.js
-- and AVPlayer do at the live edge. Run with as many threads as connections
-- (wrk -tN -cN): wrk keeps Lua state per thread, so one connection per thread makes the
-- state below one viewer's.
--   wrk -t2000 -c2000 -d60s --timeout 5s -s bench/viewers/llhls.lua http://127.0.0.1:18181/live/main/source/index.m3u8
-- Reports, beside wrk's own figures (whose latency mixes the wait of blocking reloads in):
--   * how long after the first viewer each viewer got the playlist for a part: the first
--     answer comes right after the cut, so this is the fan-out delay of blocking reloads;
--   * part fetch latency (request to last byte);
--   * errors: any answer other than 200, and playlists without a preload hint.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } llhls_timespec;
  int clock_gettime(int clock, llhls_timespec *now);
]]
local CLOCK_MONOTONIC = 1 -- one clock for every thread of the process, so arrivals compare
local clock = ffi.new("llhls_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local HINT = '#EXT%-X%-PRELOAD%-HINT:TYPE=PART,URI="part(%d+)%.(%d+)%.m4s"'

-- Per-thread (= per-viewer) state.
local base                  -- the playlist's directory, e.g. /live/main/source/
local playlist              -- its file name
local state = "load"        -- load | block | part
local msn, part             -- the part blocked for / fetched next
local started               -- when the request in flight was written
local next_msn, next_part   -- the hint of the last blocking reload, blocked for after the part
arrivals = {}               -- "M.P" -> ms when the blocking reload for part M.P answered
part_latencies = {}         -- ms, one per part fetched
errors = 0
skipped = 0                 -- hinted parts that never came (their segment closed first)
skipped_sample = nil        -- the first such playlist, to show what happened
error_samples = {}

function init(args)
  base, playlist = wrk.path:match("^(.*/)([^/?]+)")
end

function request()
  started = now_ms()
  if state == "block" then
    return wrk.format("GET", base .. playlist .. "?_HLS_msn=" .. msn .. "&_HLS_part=" .. part)
  elseif state == "part" then
    return wrk.format("GET", base .. "part" .. msn .. "." .. part .. ".m4s")
  end
  return wrk.format("GET", base .. playlist)
end

local function failed(what)
  errors = errors + 1
  if #error_samples < 3 then
    error_samples[#error_samples + 1] = what
  end
  state = "load"
end

function response(status, headers, body)
  local now = now_ms()
  if status ~= 200 then
    return failed(state .. " " .. (state == "load" and "" or msn .. "." .. part) .. ": HTTP " .. status)
  end
  if state == "part" then
    part_latencies[#part_latencies + 1] = now - started
    state = "block"
    -- msn/part already hold the hint of the playlist that listed this part
    msn, part = next_msn, next_part
    return
  end
  local hinted_msn, hinted_part = body:match(HINT)
  if not hinted_msn then
    return failed(state .. ": playlist without a preload hint")
  end
  if state == "block" then
    arrivals[msn .. "." .. part] = now
    if body:find('URI="part' .. msn .. '.' .. part .. '.m4s"', 1, true) then
      state = "part"           -- fetch the part just waited for
      next_msn, next_part = hinted_msn, hinted_part
    else
      -- The segment closed before the hinted part (a key frame came early): the server answers
      -- the wait once the next segment has begun (RFC 8216bis 6.2.5.2), and a player follows
      -- the new playlist rather than asking for a part it does not list.
      skipped = skipped + 1
      skipped_sample = skipped_sample or (msn .. "." .. part .. " awaited, playlist answered:\n" .. body)
      msn, part = hinted_msn, hinted_part
    end
  else
    state = "block"            -- first load: wait for the hinted part
    msn, part = hinted_msn, hinted_part
  end
end

-- Main (setup/done) environment.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  local i = math.max(1, math.ceil(#sorted * p / 100))
  return sorted[i]
end

local function describe(name, values)
  table.sort(values)
  io.write(string.format("%s: n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms p99.9=%.1f ms max=%.1f ms\n", name, #values,
    percentile(values, 50), percentile(values, 90), percentile(values, 99), percentile(values, 99.9),
    values[#values] or 0))
end

function done(summary, latency, requests)
  local first, per_viewer = {}, {}
  local latencies, total_errors, total_skipped, samples = {}, 0, 0, {}
  for i, thread in ipairs(threads) do
    local got = thread:get("arrivals")
    per_viewer[i] = got
    for key, at in pairs(got) do
      if not first[key] or at < first[key] then first[key] = at end
    end
    for _, ms in ipairs(thread:get("part_latencies")) do latencies[#latencies + 1] = ms end
    total_errors = total_errors + thread:get("errors")
    total_skipped = total_skipped + thread:get("skipped")
    skipped_sample = skipped_sample or thread:get("skipped_sample")
    for _, sample in ipairs(thread:get("error_samples")) do
      if #samples < 5 then samples[#samples + 1] = sample end
    end
  end
  local delays, parts = {}, 0
  for _ in pairs(first) do parts = parts + 1 end
  for _, got in ipairs(per_viewer) do
    for key, at in pairs(got) do delays[#delays + 1] = at - first[key] end
  end
  io.write(string.format("viewers: %d, parts waited for: %d\n", #threads, parts))
  describe("blocking reload, answer after the first viewer's", delays)
  describe("part fetch latency", latencies)
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("errors: %d (HTTP or playlist: %d; socket connect %d, read %d, write %d, timeout %d)\n",
    total_errors + socket, total_errors, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
  for _, sample in ipairs(samples) do io.write("  e.g. " .. sample .. "\n") end
  io.write(string.format("hinted parts whose segment closed first (followed to the next hint, not errors): %d\n",
    total_skipped))
  if skipped_sample then io.write("  e.g. part " .. skipped_sample .. "\n") end
end
