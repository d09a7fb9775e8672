import { LIMITS } from '../../shared/protocol'

export default defineNitroPlugin((nitroApp) => {
  // crossws builds its `ws` server from these options when the node server
  // starts. Without maxPayload, ws would buffer a frame of up to 100 MiB:
  // frames up to 4x the protocol limit get a TOO_LARGE answer, larger ones
  // close the socket with 1009 before they are read into memory.
  Object.assign(nitroApp.h3App.websocket, {
    serverOptions: { maxPayload: LIMITS.frameMaxBytes * 4, perMessageDeflate: false },
  })
  const hub = useRoomHub()
  nitroApp.hooks.hook('close', () => hub.stop())
})
