// Preloaded into each process the start-up benchmark runs (`node --import`): at exit, appends the
// process's own CPU time and peak memory as one JSON line to the file named by FHIR_STU3_USAGE_FILE.
// Peak memory is VmHWM from /proc where there is one: getrusage's maxRSS survives exec on Linux, so a
// child would report its parent's peak if that was higher.
import { appendFileSync, readFileSync } from 'node:fs';
import process from 'node:process';

function peakKb() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // no /proc: fall back to getrusage
  }
  return process.resourceUsage().maxRSS;
}

const file = process.env.FHIR_STU3_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    appendFileSync(file, `${JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: peakKb() })}\n`);
  });
}
