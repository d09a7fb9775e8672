// Preloaded into a server under test (node --expose-gc --require): on SIGUSR2
// it collects garbage and prints the heap in use, so a soak can tell a leak
// from memory the allocator merely keeps.
process.on('SIGUSR2', () => {
  globalThis.gc?.()
  console.log(`[heap-probe] heapUsed=${process.memoryUsage().heapUsed}`)
})
