// Made at start rather than on the first scrape: the histograms, the process
// metrics (event-loop lag) and the admin page's 15 minutes cover the time before it too.
export default defineNitroPlugin(() => {
  useMetrics()
  useStatsHistory()
})
