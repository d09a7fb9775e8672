// Made at start rather than on the first scrape: the histograms and the
// process metrics (event-loop lag) cover the time before it too.
export default defineNitroPlugin(() => {
  useMetrics()
})
