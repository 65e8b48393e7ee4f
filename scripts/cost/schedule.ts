import type { Resource } from "../lib/stack-json";

/**
 * Task-hours per week of a service under scheduled scaling actions (night and weekend stops). Each action
 * sets the service's min/max capacity when its cron fires; between firings the service runs `baseline`
 * tasks held within the last min/max set. Times are in the schedule's own time zone, so daylight saving
 * does not change the count.
 */
export function taskHoursPerWeek(actions: Resource[], baseline: number): number {
  const events = actions
    .flatMap((a) =>
      firings(String(a.body.schedule)).map((minute) => ({ minute, action: a.body.scalable_target_action })),
    )
    .sort((x, y) => x.minute - y.minute);
  if (events.length === 0) return (baseline * WEEK_MINUTES) / 60;
  let minutes = 0;
  events.forEach((event, i) => {
    const next = i + 1 < events.length ? events[i + 1].minute : events[0].minute + WEEK_MINUTES;
    const tasks = Math.min(
      Math.max(baseline, Number(event.action.min_capacity)),
      Number(event.action.max_capacity),
    );
    minutes += (next - event.minute) * tasks;
  });
  return minutes / 60;
}

const WEEK_MINUTES = 7 * 24 * 60;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** Minutes of the week (Sunday 00:00 = 0) at which `cron(m h dom mon dow year)` fires. */
export function firings(schedule: string): number[] {
  const match = /^cron\((.+)\)$/.exec(schedule.trim());
  const fields = match?.[1].split(/\s+/) ?? [];
  if (fields.length !== 6 || !["*", "?"].includes(fields[2]) || fields[3] !== "*") {
    throw new Error(
      `scripts/cost/schedule.ts: schedule: expected a weekly cron(m h ? * dow *), got "${schedule}"`,
    );
  }
  const minutes = values(fields[0], 0, 59);
  const hours = values(fields[1], 0, 23);
  const days = fields[4] === "?" || fields[4] === "*" ? [0, 1, 2, 3, 4, 5, 6] : values(fields[4], 0, 6, true);
  return days.flatMap((d) => hours.flatMap((h) => minutes.map((m) => d * 1440 + h * 60 + m)));
}

/** A cron field's values: `*`, `5`, `1,3`, `8-17`, `MON-FRI`, `0/15`; weekdays 1-7 (SUN=1) or names. */
function values(field: string, low: number, high: number, weekday = false): number[] {
  const one = (text: string) => {
    const name = DAYS.indexOf(text.toUpperCase());
    if (weekday) return name >= 0 ? name : Number(text) - 1;
    return Number(text);
  };
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const [range, step] = part.split("/");
    const [from, to] = range === "*" ? [low, high] : range.split("-").map(one);
    const last = to ?? (step ? high : from);
    for (let v = from; v <= last; v += Number(step ?? 1)) out.add(v);
  }
  return [...out];
}
