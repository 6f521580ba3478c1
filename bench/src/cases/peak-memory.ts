// The resident-memory high-water mark of this process, for the memory probes that run in fresh processes.
import { readFileSync } from 'node:fs';

/** VmHWM in MB where /proc exists, else getrusage's maxRSS (which on Linux keeps the spawning parent's RSS). */
export function peakMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
