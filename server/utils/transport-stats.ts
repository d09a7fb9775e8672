type Stats = () => Record<string, number>

let stats: Stats = () => ({})

/** The transport (server/plugins/websocket.ts) says what it holds; the health route reads it. */
export function useTransportStats(source?: Stats): Stats {
  if (source) stats = source
  return stats
}
