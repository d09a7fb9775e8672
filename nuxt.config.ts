import { fileURLToPath } from 'node:url'
import { localeFiles, locales } from './i18n/locales'

export default defineNuxtConfig({
  modules: ['@nuxtjs/i18n', '@nuxt/eslint'],
  // The production server sets timeouts and connection caps that Nitro's own
  // entry does not expose (server/transport/node-entry.ts).
  $production: {
    nitro: {
      entry: fileURLToPath(new URL('./server/transport/node-entry.ts', import.meta.url)),
      // Nitro tree-shakes modules it does not know to have side effects; this
      // one's whole job is its side effect (it sets NODE_ENV).
      moduleSideEffects: [fileURLToPath(new URL('./server/transport/production-env.ts', import.meta.url))],
    },
  },
  devtools: { enabled: false },
  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      title: 'Heartbeat Chat',
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }],
    },
  },
  // In cascade order: colours and themes, page and controls, the room, then the phone widths that override it.
  css: ['~/assets/css/theme.css', '~/assets/css/base.css', '~/assets/css/room.css', '~/assets/css/phone.css'],
  // Every number here can be changed at run time through the NUXT_* variable
  // named beside it (Nuxt maps runtimeConfig keys to env names).
  runtimeConfig: {
    /** NUXT_REDIS_URL: keep rooms in this Redis and relay room traffic through it (several instances); empty = the store below. */
    redisUrl: '',
    /** NUXT_REDIS_CLUSTER: 'true' when NUXT_REDIS_URL is a Redis Cluster (its seed nodes, comma-separated): slot routing and sharded pub/sub. */
    redisCluster: false,
    /** NUXT_REDIS_WAIT_REPLICAS: a chat is acknowledged once this many replicas have it (WAIT); empty = 1 with NUXT_REDIS_CLUSTER, 0 otherwise. */
    redisWaitReplicas: '',
    /** NUXT_STORE: where rooms live without Redis: 'sqlite' (empty = sqlite: a file under dataDir that survives restarts) or 'memory' (tests, benchmark baselines). */
    store: '',
    /** NUXT_DATA_DIR: the folder of the rooms database (rooms.db), created on first start. */
    dataDir: '.data',
    /** NUXT_ROOM_RETENTION_MS: a membership with no sign of life this long lapses (every store); with the sqlite store, a room with no members left is kept this long too (history and password), then removed. */
    roomRetentionMs: 30 * 24 * 60 * 60 * 1000,
    /** NUXT_REDIS_COMMAND_TIMEOUT_MS: a Redis command not answered within this fails (UNAVAILABLE) and health turns degraded. */
    redisCommandTimeoutMs: 2000,
    /** NUXT_IDLE_ROOM_SWEEP_INTERVAL_MS: how often one instance (in turn, with Redis) passes over the rooms: member TTL, empty rooms. */
    idleRoomSweepIntervalMs: 5000,
    /** NUXT_IDLE_ROOMS_PER_PASS: with Redis, rooms one such pass looks at, at most; the next pass goes on from there. */
    idleRoomsPerPass: 25,
    /** NUXT_HEARTBEAT_WINDOW_MS: a member is online while its last ping is this recent. */
    heartbeatWindowMs: 8000,
    /** NUXT_SWEEP_INTERVAL_MS: how often the one server-wide sweep looks for silent members. */
    sweepIntervalMs: 250,
    /** NUXT_EMPTY_ROOM_GRACE_MS: a room with no members is forgotten after this long. */
    emptyRoomGraceMs: 30 * 1000,
    /** NUXT_PRESENCE_MERGE_MS: presence changes this close together go out as one frame. */
    presenceMergeMs: 100,
    /** NUXT_HISTORY_LIMIT: chat messages kept per room. */
    historyLimit: 500,
    /** NUXT_MAX_CONNECTIONS_PER_ADDRESS: WebSocket sockets one client address may hold (4029 past it). */
    maxConnectionsPerAddress: 50,
    /** NUXT_MAX_TCP_CONNECTIONS_PER_ADDRESS: TCP connections one client address may hold, sockets and HTTP together. */
    maxTcpConnectionsPerAddress: 100,
    /** NUXT_MAX_CONNECTIONS: TCP connections in total; 0 = the file descriptor limit less a reserve. */
    maxConnections: 0,
    /** NUXT_HEADERS_TIMEOUT_MS and NUXT_REQUEST_TIMEOUT_MS: a client must send its headers, and its whole request, within these. */
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    /** NUXT_TRUSTED_PROXIES: addresses or CIDRs of reverse proxies whose X-Forwarded-For / Forwarded names the client. */
    trustedProxies: '',
    /** NUXT_STREAM_RESUME_WINDOW_MS: a fallback stream (SSE) that dropped may come back this long and resume its session; past it the session ends. */
    streamResumeWindowMs: 10_000,
    /** NUXT_SOCKET_BUFFER_MAX_BYTES: bytes waiting for one socket that does not read before it is cut. */
    socketBufferMaxBytes: 1024 * 1024,
    /** NUXT_SOCKET_BUFFERS_TOTAL_MAX_BYTES: the same for all sockets together; the most backlogged are cut. */
    socketBuffersTotalMaxBytes: 64 * 1024 * 1024,
    /** NUXT_HTTP_REQUESTS_PER_SECOND and NUXT_HTTP_BURST: each client address's token bucket for HTTP requests other than static files. */
    httpRequestsPerSecond: 20,
    httpBurst: 60,
    /** NUXT_API_BODY_MAX_BYTES: the largest body an API route reads (413 past it). */
    apiBodyMaxBytes: 4096,
    /** NUXT_MAX_UPLOAD_BYTES: the largest file an upload may carry (413 past it; a declared length over it is refused before the body is read). */
    maxUploadBytes: 10 * 1024 * 1024,
    /** NUXT_UPLOADS_PER_MINUTE: uploads one member may make a minute, also its burst (429 past it); counted by each instance. */
    uploadsPerMinute: 20,
    /** NUXT_ROOM_FILE_QUOTA_BYTES: bytes of files one room may hold, sent or waiting (429 past it); deleting messages frees them. */
    roomFileQuotaBytes: 200 * 1024 * 1024,
    /** NUXT_UPLOAD_BYTES_PER_ADDRESS_PER_HOUR: bytes one client address may upload an hour, also its burst (429 RATE_LIMITED past it); counted by each instance. */
    uploadBytesPerAddressPerHour: 512 * 1024 * 1024,
    /** NUXT_FILES_MAX_BYTES: bytes of files the server holds in all, thumbnails included (507 INSUFFICIENT_STORAGE past it); 0 for no such budget. */
    filesMaxBytes: 10 * 1024 * 1024 * 1024,
    /** NUXT_FILES_MIN_FREE_BYTES: uploads are refused (507 INSUFFICIENT_STORAGE) rather than leave the files disk with less free than this. */
    filesMinFreeBytes: 1024 * 1024 * 1024,
    /** NUXT_IDLE_ROOM_FILES_TTL_MS: the files of a room nobody was heard from in this long are removed; its messages stay (their files shown as expired). */
    idleRoomFilesTtlMs: 24 * 60 * 60 * 1000,
    /** NUXT_UPLOAD_PENDING_TTL_MS: an upload not sent in a message within this is removed. */
    uploadPendingTtlMs: 60 * 60 * 1000,
    /** NUXT_FILE_SWEEP_INTERVAL_MS: how often the one files timer removes unsent uploads and the files of removed rooms. */
    fileSweepIntervalMs: 5 * 60 * 1000,
    /** NUXT_FILE_REQUESTS_PER_SECOND and NUXT_FILE_BURST: each client address's token bucket for file downloads, apart from page and API requests (a room's history shows many images at once). */
    fileRequestsPerSecond: 100,
    fileBurst: 400,
    /** NUXT_S3_BUCKET: keep files in this S3-compatible bucket instead of NUXT_DATA_DIR/files (several instances without a shared folder). */
    s3Bucket: '',
    /** NUXT_S3_ENDPOINT: the store's URL (empty = AWS); NUXT_S3_REGION; NUXT_S3_FORCE_PATH_STYLE: bucket in the path, as MinIO and most non-AWS stores want. */
    s3Endpoint: '',
    s3Region: 'us-east-1',
    s3ForcePathStyle: false,
    /** NUXT_S3_ACCESS_KEY_ID and NUXT_S3_SECRET_ACCESS_KEY: the bucket's keys (never logged). */
    s3AccessKeyId: '',
    s3SecretAccessKey: '',
    /** NUXT_METRICS_TOKEN: a bearer token that unlocks /metrics, /admin and the details of /api/health; empty = metrics off, health status only. */
    metricsToken: '',
    /** NUXT_METRICS_INSTANCE: with Redis, the `instance` label of this instance's metrics; empty = hostname:pid. */
    metricsInstance: '',
    /** NUXT_LOG_LEVEL: trace, debug, info, warn, error, fatal or silent (read by server/log.ts from the environment: it logs before Nitro starts). */
    logLevel: 'info',
    /** NUXT_LOG_FORMAT: json (one JSON line per event) or pretty; empty = json for the built server, pretty under nuxt dev. */
    logFormat: '',
    /** NUXT_MAX_ROOM_MEMBERS: members one room may hold (ROOM_FULL past it). */
    maxRoomMembers: 5000,
    /** NUXT_MAX_ROOMS: rooms one server may hold (SERVER_FULL past it). */
    maxRooms: 10000,
    /** NUXT_FRAMES_PER_SECOND and NUXT_FRAME_BURST: the token bucket of each socket. */
    framesPerSecond: 10,
    frameBurst: 20,
    /** NUXT_PASSWORD_FAILURES_PER_MINUTE: wrong passwords per client address and room. */
    passwordFailuresPerMinute: 5,
    /** NUXT_MEMBERS_PER_ADDRESS: live members one client address may have made, across rooms (TOO_MANY_MEMBERSHIPS past it), so one address cannot fill a room. */
    membersPerAddress: 100,
    /** NUXT_ROOMS_PER_ADDRESS_PER_MINUTE: rooms one client address may create a minute, also its burst (RATE_LIMITED past it), so one address cannot fill the server. */
    roomsPerAddressPerMinute: 10,
    /** NUXT_NEVER_PINGED_MEMBER_TTL_MS: a member that never pinged after joining is removed after this long; 0 = twice the heartbeat window. */
    neverPingedMemberTtlMs: 0,
    /** NUXT_PASSWORD_HASHES_PER_MINUTE: scrypt runs (room passwords set or checked) one client address may ask for a minute. */
    passwordHashesPerMinute: 12,
    /** NUXT_PASSWORD_HASH_CONCURRENCY: scrypt runs at once, server-wide; scrypt shares libuv's 4 threads with file reads. */
    passwordHashConcurrency: 1,
    /** NUXT_PASSWORD_HASH_QUEUE: scrypt runs that may wait for a place (RATE_LIMITED past it). */
    passwordHashQueue: 32,
    /** NUXT_LOBBY_MAX_WATCHERS: sockets watching the lobby on this server (TOO_MANY_WATCHERS past it). */
    lobbyMaxWatchers: 10000,
    /** NUXT_LOBBY_WATCHERS_PER_ADDRESS: sockets watching the lobby per client address. */
    lobbyWatchersPerAddress: 20,
    /** NUXT_ALLOWED_ORIGINS: comma-separated origins allowed besides the app's own. */
    allowedOrigins: '',
    /** NUXT_REQUIRE_ORIGIN: refuse WebSocket upgrades that carry no Origin header. */
    requireOrigin: false,
    public: {
      /** NUXT_PUBLIC_ORIGIN: the app's public origin (https://chat.example.com); when set, WebSocket upgrades must come from it (or NUXT_ALLOWED_ORIGINS), whatever Host they name. */
      origin: '',
      /** NUXT_PUBLIC_HEARTBEAT_INTERVAL_MS: how often the browser pings. */
      heartbeatIntervalMs: 6000,
      /** NUXT_PUBLIC_RECONNECT_MAX_RETRIES: reconnect attempts before giving up. */
      reconnectMaxRetries: 10,
      /** NUXT_PUBLIC_FALLBACK_PROBE_INTERVAL_MS: how often a page on the fallback transport tries a WebSocket again. */
      fallbackProbeIntervalMs: 30_000,
    },
  },
  compatibilityDate: '2026-11-01',
  nitro: {
    experimental: { websocket: true },
    // .gz and .br beside each file of .output/public, served by the
    // Accept-Encoding the browser sends; /_nuxt/ files are already served
    // with a year's immutable cache lifetime (their names carry their hash).
    compressPublicAssets: { gzip: true, brotli: true },
  },
  typescript: { strict: true },
  telemetry: false,
  hooks: {
    // The emoji picker's two data files (about 430 KB each) and its code are
    // fetched when the picker first opens; Nuxt would otherwise prefetch them
    // with every room page.
    'build:manifest'(manifest) {
      for (const chunk of Object.values(manifest)) {
        if (chunk.assets) chunk.assets = chunk.assets.filter(asset => !asset.endsWith('.json'))
        if (chunk.src?.includes('emoji-picker-element')) chunk.prefetch = false
      }
    },
  },
  // eslint.config.mjs builds on the flat config this generates in .nuxt/
  // (`nuxt prepare`, run by postinstall); the code is written in the
  // @stylistic preset's style, so its rules keep it so.
  eslint: { config: { stylistic: true } },
  i18n: {
    // URLs stay the same in every language: a shared room link works for everyone.
    strategy: 'no_prefix',
    defaultLocale: 'en',
    locales: locales.map(locale => ({ ...locale, files: localeFiles.map(file => `${locale.code}/${file}`) })),
    detectBrowserLanguage: { useCookie: true, cookieKey: 'heartbeat_locale', fallbackLocale: 'en' },
    // The app uses no v-t directive; left unset, the module warns at every build that this default will go.
    bundle: { optimizeTranslationDirective: false },
  },
})
