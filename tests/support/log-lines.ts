/** The server's JSON log lines in a process's output; other lines (a crash's stack, a child's own) are left out. */
export function logLines(output: string): Array<Record<string, unknown>> {
  return output.split('\n').filter(line => line.startsWith('{')).flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>]
    }
    catch {
      return []
    }
  })
}
