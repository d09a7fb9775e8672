// Every number here can be changed at run time through the NUXT_* variable
// named beside it (Nuxt maps runtimeConfig keys to env names).
export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  devtools: { enabled: false },
  telemetry: false,
  css: ['~/assets/main.css'],
  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      title: 'Heartbeat Chat',
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }],
    },
  },
  runtimeConfig: {
    /** NUXT_REDIS_URL: keep rooms in this Redis and relay room traffic through it (several instances); empty = in memory. */
    redisUrl: '',
    /** NUXT_HEARTBEAT_WINDOW_MS: a member is online while its last ping is this recent. */
    heartbeatWindowMs: 8000,
    /** NUXT_SWEEP_INTERVAL_MS: how often the one server-wide sweep looks for silent members. */
    sweepIntervalMs: 250,
    /** NUXT_MEMBER_TTL_MS: an offline member is removed from its room after this long. */
    memberTtlMs: 10 * 60 * 1000,
    /** NUXT_EMPTY_ROOM_GRACE_MS: a room with no members is forgotten after this long. */
    emptyRoomGraceMs: 30 * 1000,
    /** NUXT_PRESENCE_MERGE_MS: presence changes this close together go out as one frame. */
    presenceMergeMs: 100,
    /** NUXT_HISTORY_LIMIT: chat messages kept per room. */
    historyLimit: 500,
    /** NUXT_MAX_CONNECTIONS_PER_ADDRESS: sockets one client address may hold. */
    maxConnectionsPerAddress: 50,
    /** NUXT_MAX_ROOM_MEMBERS: members one room may hold (ROOM_FULL past it). */
    maxRoomMembers: 5000,
    /** NUXT_MAX_ROOMS: rooms one server may hold (SERVER_FULL past it). */
    maxRooms: 10000,
    /** NUXT_FRAMES_PER_SECOND and NUXT_FRAME_BURST: the token bucket of each socket. */
    framesPerSecond: 10,
    frameBurst: 20,
    /** NUXT_PASSWORD_FAILURES_PER_MINUTE: wrong passwords per client address and room. */
    passwordFailuresPerMinute: 5,
    /** NUXT_ALLOWED_ORIGINS: comma-separated origins allowed besides the app's own. */
    allowedOrigins: '',
    /** NUXT_REQUIRE_ORIGIN: refuse WebSocket upgrades that carry no Origin header. */
    requireOrigin: false,
    public: {
      /** NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: how often the browser pings. */
      heartbeatIntervalMs: 6000,
      /** NUXT_PUBLIC_RECONNECT_MAX_RETRIES: reconnect attempts before giving up. */
      reconnectMaxRetries: 10,
    },
  },
  nitro: {
    experimental: { websocket: true },
  },
  typescript: { strict: true },
})
