-- bench/wrk.lua — the wrk script of bench/run.sh: logged-in GETs and POSTs.
--
--   wrk ... -s bench/wrk.lua URL -- SESSIONS [BODIES]
--
-- SESSIONS  a file of "ts_sid csrf_token" lines, one per logged-in session
--           (bench/run.sh logs in with curl and writes it); without it the
--           requests go out with no cookie (the static file).
-- BODIES    optional: a file of urlencoded POST bodies, one a line, with
--           @CSRF@ where the session's token goes.  With it every request
--           is a POST of the next body under the next session (round robin,
--           each wrk thread starting at its own offset); without it every
--           request is a GET of URL.
--
-- At the end one machine-readable line goes to stdout for bench/run.sh:
--   BENCH requests=N seconds=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. max_ms=..
--         errors=E status_errors=N
-- (errors = connect/read/write/timeout; status_errors = answers that were
-- not 2xx or 3xx).  The script has no response() hook on purpose: one makes
-- wrk hand every body to Lua, which would slow the client, not the server.

local sessions = {}
local bodies = {}
local n = 0
local threads = {}
local thread_no = 0

local function read_lines(path)
  local lines = {}
  local f = assert(io.open(path, "r"), "cannot open " .. path)
  for line in f:lines() do
    if line:match("%S") then lines[#lines + 1] = line end
  end
  f:close()
  return lines
end

function setup(thread)
  thread:set("thread_no", thread_no)
  thread_no = thread_no + 1
  threads[#threads + 1] = thread
end

function init(args)
  if args[1] and args[1] ~= "" and args[1] ~= "-" then
    for _, line in ipairs(read_lines(args[1])) do
      local sid, csrf = line:match("^(%S+)%s+(%S+)")
      if sid then sessions[#sessions + 1] = { sid = sid, csrf = csrf } end
    end
    assert(#sessions > 0, "no sessions in " .. args[1])
  end
  if args[2] and args[2] ~= "" then
    bodies = read_lines(args[2])
    assert(#bodies > 0, "no bodies in " .. args[2])
    assert(#sessions > 0, "POST needs sessions")
  end
  -- Threads start at different places so they do not queue on one row.
  n = (tonumber(thread_no) or 0) * 7919
  -- The common case (one session, GET) is one pre-built request.
  if #bodies == 0 then
    local headers = {}
    if #sessions > 0 then headers["Cookie"] = "ts_sid=" .. sessions[1].sid end
    fixed = wrk.format("GET", nil, headers, nil)
  end
end

function request()
  if fixed and #sessions <= 1 then return fixed end
  n = n + 1
  local s = sessions[(n % #sessions) + 1]
  local headers = { ["Cookie"] = "ts_sid=" .. s.sid }
  if #bodies == 0 then
    return wrk.format("GET", nil, headers, nil)
  end
  local body = bodies[(n % #bodies) + 1]:gsub("@CSRF@", s.csrf)
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local function ms(us) return string.format("%.2f", us / 1000) end
  io.write(string.format(
    "BENCH requests=%d seconds=%.2f rps=%.1f p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s errors=%d status_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max),
    e.connect + e.read + e.write + e.timeout, e.status))
end
