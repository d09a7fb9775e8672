// The lobby index in Redis, shared by every instance (server/rooms/lobby/).
// KEYS for every script: entries (hash id -> entry JSON), order (sorted set
// of equal scores whose members are the listed rooms' order keys), version
// (a counter bumped by every change), changes (sorted set id -> the version
// of its last change), trimmed (the highest version dropped from changes).
// One hash tag, so that they share a Redis Cluster slot.

const ORDER_KEY = `
local function orderKey(e, id)
  return string.format('%08x%08x', 4294967295 - e.o, 4294967295 - e.m) .. id
end
local function shown(e) return e.l == 1 and e.m > 0 end
`

/** ARGV: changeLogLimit, then per update 10 values: id, gone, hasCounts, online, members, at, lastSeq (-1: none), hasMeta, listed, title. */
export const LOBBY_APPLY = `${ORDER_KEY}
local limit = tonumber(ARGV[1])
local i = 2
while i <= #ARGV do
  local id = ARGV[i]
  local raw = redis.call('HGET', KEYS[1], id)
  local e = raw and cjson.decode(raw) or {t = '', l = 0, o = 0, m = 0, s = 0, a = 0}
  local oldKey = (raw and shown(e)) and orderKey(e, id) or nil
  local changed = false
  if ARGV[i + 1] == '1' then
    if raw then
      redis.call('HDEL', KEYS[1], id)
      if oldKey then redis.call('ZREM', KEYS[2], oldKey) end
      changed = true
    end
  else
    local before = e.t .. '\\0' .. e.l .. '\\0' .. e.o .. '\\0' .. e.m .. '\\0' .. e.s
    local at = tonumber(ARGV[i + 5])
    if ARGV[i + 2] == '1' and at >= e.a then
      e.o = tonumber(ARGV[i + 3]); e.m = tonumber(ARGV[i + 4]); e.a = at
    end
    local seq = tonumber(ARGV[i + 6])
    if seq > e.s then e.s = seq end
    if ARGV[i + 7] == '1' then e.l = tonumber(ARGV[i + 8]); e.t = ARGV[i + 9] end
    changed = not raw or before ~= (e.t .. '\\0' .. e.l .. '\\0' .. e.o .. '\\0' .. e.m .. '\\0' .. e.s)
    if changed or ARGV[i + 2] == '1' then redis.call('HSET', KEYS[1], id, cjson.encode(e)) end
    local newKey = shown(e) and orderKey(e, id) or nil
    if oldKey ~= newKey then
      if oldKey then redis.call('ZREM', KEYS[2], oldKey) end
      if newKey then redis.call('ZADD', KEYS[2], 0, newKey) end
    end
  end
  if changed then
    local v = redis.call('INCR', KEYS[3])
    redis.call('ZADD', KEYS[4], v, id)
    if redis.call('ZCARD', KEYS[4]) > limit then
      local dropped = redis.call('ZRANGE', KEYS[4], 0, limit / 2, 'WITHSCORES')
      redis.call('SET', KEYS[5], dropped[#dropped])
      redis.call('ZREMRANGEBYRANK', KEYS[4], 0, limit / 2)
    end
  end
  i = i + 10
end
return 1
`

/** ARGV: sinceVersion (-1: everything), topCount. Returns {version} when nothing changed, else {version, known (0/1), changedIds, topEntries}. */
export const LOBBY_POLL = `
local v = tonumber(redis.call('GET', KEYS[3]) or '0')
local since = tonumber(ARGV[1])
if v == since then return {v} end
local trimmed = tonumber(redis.call('GET', KEYS[5]) or '0')
local known = since >= trimmed and since <= v
local changed = known and redis.call('ZRANGEBYSCORE', KEYS[4], '(' .. since, '+inf') or {}
local keys = redis.call('ZRANGEBYLEX', KEYS[2], '-', '+', 'LIMIT', 0, tonumber(ARGV[2]))
local ids = {}
for n, key in ipairs(keys) do ids[n] = string.sub(key, 17) end
local top = {}
if #ids > 0 then
  local raws = redis.call('HMGET', KEYS[1], unpack(ids))
  for n, raw in ipairs(raws) do top[n] = ids[n] .. '\\n' .. (raw or '') end
end
return {v, known and 1 or 0, changed, top}
`

/**
 * ARGV: afterKey ('' for the start), limit, foldedQuery ('' for none), scanLimit.
 * Returns {nextKey or '', id\\nentry…}.
 */
export const LOBBY_PAGE = `
local min = ARGV[1] == '' and '-' or ('(' .. ARGV[1])
local limit, query, scan = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local keys = redis.call('ZRANGEBYLEX', KEYS[2], min, '+', 'LIMIT', 0, (query == '' and limit or scan) + 1)
local out = {''}
if #keys == 0 then return out end
local ids = {}
for n, key in ipairs(keys) do ids[n] = string.sub(key, 17) end
local raws = redis.call('HMGET', KEYS[1], unpack(ids))
local last = 0
for n = 1, math.min(#keys, query == '' and limit or scan) do
  last = n
  local raw = raws[n]
  if raw then
    local keep = query == ''
    if not keep then
      local e = cjson.decode(raw)
      keep = string.find(string.lower(ids[n]), query, 1, true) or string.find(string.lower(e.t), query, 1, true)
    end
    if keep then
      out[#out + 1] = ids[n] .. '\\n' .. raw
      if #out - 1 >= limit then break end
    end
  end
end
if last < #keys then out[1] = keys[last] end
return out
`
