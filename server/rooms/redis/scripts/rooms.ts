import { ROOM_FIELDS } from '../rooms'
import { ROOM_KEY_COUNT } from '../keys'

// Rooms: creation (a private room's too), rename, removal. KEYS of the
// creating scripts: room. ARGV: id, mayCreate ('1' once ADMIT_ROOM has let
// the room in), graceMs, then the room's fields as name, value pairs
// (ROOM_FIELDS). The set of every room is a key of its own slot, so no
// script touches it together with a room's keys (one slot per script, as a
// Redis Cluster needs): it is changed by ADMIT_ROOM and by SREM beside.

/** ARGV index of the last field value. */
const LAST_FIELD = 3 + ROOM_FIELDS.length * 2

// Creates the room from the fields in ARGV[4..LAST_FIELD] unless it exists.
// Returns {created (1, 0, or -3 when absent and not yet admitted), the
// stored values of the fields}.
const ENSURE = `
local function ensureRoom()
  if redis.call('EXISTS', KEYS[1]) == 1 then
    local names = {}
    for i = 4, ${LAST_FIELD}, 2 do table.insert(names, ARGV[i]) end
    return {0, redis.call('HMGET', KEYS[1], unpack(names))}
  end
  if ARGV[2] ~= '1' then return {-3} end
  local values = {}
  for i = 4, ${LAST_FIELD}, 2 do
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    table.insert(values, ARGV[i + 1])
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {1, values}
end
`

export const ENSURE_ROOM = `${ENSURE}
return ensureRoom()
`

/**
 * The private room id of a pair of the origin room's members: the one it
 * has, or the candidate, remembered in the origin room's hash (and gone with
 * it) under the pair's key (pairKeyOf). KEYS: origin room. ARGV: field,
 * candidate id.
 */
export const PAIR_ROOM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return ARGV[2] end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
return redis.call('HGET', KEYS[1], ARGV[1])
`

/**
 * ENSURE_ROOM for a private room, whose ARGV go on after the fields with the
 * seats' new token hashes (memberId, tokenHash pairs) and how many a seat
 * keeps. An existing private room gets the token hashes added to its seats,
 * each keeping its newest (mirrors withSeatTokens, private-rooms.ts); -2 for
 * an existing room that is not private. Returns as ENSURE_ROOM does.
 */
export const ENSURE_PRIVATE_ROOM = `${ENSURE}
if redis.call('EXISTS', KEYS[1]) == 1 then
  local json = redis.call('HGET', KEYS[1], 'private')
  if not json or json == '' then return {-2} end
  local private = cjson.decode(json)
  local keep = tonumber(ARGV[#ARGV])
  for _, seat in ipairs(private.seats) do
    for i = ${LAST_FIELD + 1}, #ARGV - 1, 2 do
      if seat.memberId == ARGV[i] then table.insert(seat.tokenHashes, ARGV[i + 1]) end
    end
    while #seat.tokenHashes > keep do table.remove(seat.tokenHashes, 1) end
  end
  redis.call('HSET', KEYS[1], 'private', cjson.encode(private))
end
return ensureRoom()
`

/** KEYS: room. ARGV: title. 0 when the room is gone (a rename must not bring back a bare hash). */
export const SET_TITLE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'title', ARGV[1])
return 1
`

/**
 * KEYS: room. ARGV: passwordHash, e2eeSalt, generation. The rule of
 * room-rekey.ts (rekeyedRecord), restated to be atomic: only an encrypted
 * room, one generation at a time. 1 when changed, 0 otherwise.
 */
export const ROOM_REKEY = `
local salt = redis.call('HGET', KEYS[1], 'e2eeSalt')
if not salt or salt == '' then return 0 end
local now = tonumber(redis.call('HGET', KEYS[1], 'e2eeGeneration') or '') or 1
if tonumber(ARGV[3]) ~= now + 1 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1], 'e2eeSalt', ARGV[2], 'e2eeGeneration', ARGV[3])
return 1
`

/**
 * A room about to be made takes its place in the set of rooms unless the
 * server holds maxRooms already: 1 when in (or already there), 0 when full.
 * The count is exact as it was in one script with the room: the set alone
 * decides. An id let in whose room then was not made (the creating script
 * failed) is dropped by the sweep (listRoomIds), as an expired room's is.
 * KEYS: rooms. ARGV: id, maxRooms.
 */
export const ADMIT_ROOM = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
return 1
`

/** KEYS: the room's keys (roomKeys().all). 1 when it was empty and is gone; the caller then takes it out of the set of rooms. */
export const DELETE_ROOM_IF_EMPTY = `
if redis.call('HLEN', KEYS[2]) > 0 then return 0 end
for i = 1, ${ROOM_KEY_COUNT} do redis.call('DEL', KEYS[i]) end
return 1
`
