// The /ws endpoint. Its checks (path, origin, sockets per address) run for
// every upgrade in server/transport/upgrade-gate.ts, and the open socket goes
// straight to the hub (server/transport/hub-socket-server.ts).
export default defineWebSocketHandler({})
