/** The countdown line for a token expiring at `expiresAt` (epoch ms), seen at `now`. */
export function expiryText(expiresAt: number | undefined, now: number): string {
  if (expiresAt === undefined) return 'none';
  const seconds = Math.max(0, Math.round((expiresAt - now) / 1000));
  if (seconds === 0) return 'expired';
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  const clock = `${h > 0 ? `${h}:${pad(m)}` : m}:${pad(s)}`;
  const at = new Date(expiresAt);
  // A 24-hour token ends at this time of day tomorrow: the time alone would read as "now".
  const sameDay = at.toDateString() === new Date(now).toDateString();
  return `expires in ${clock} (at ${sameDay ? at.toLocaleTimeString() : at.toLocaleString()})`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** How many transitions the samples' `transition-log` keeps. */
export const TRANSITION_LOG_LENGTH = 20;

/** One `transition-log` line: the event and the status it led to. */
export const transitionLine = (eventType: string, status: string) => `${eventType} → ${status}`;
