/** CloudWatch Logs Insights queries over the JSON logs of nginx (web) and uwsgi (app), as data. */

export interface LogQuery {
  /** Short id, part of the saved query's name. */
  readonly id: string;
  /** Which containers' log groups it reads. */
  readonly containers: readonly ("web" | "app")[];
  readonly query: string;
}

/** Fields: nginx logs `status`, `uri`, `request_time`, `upstream_time`, `request_id`; uwsgi `status`, `duration_ms`, `request_id`. */
export const LOG_QUERIES: readonly LogQuery[] = [
  {
    id: "errors-by-path",
    containers: ["web"],
    query: [
      "fields @timestamp, status, uri",
      "| filter status >= 500",
      "| stats count(*) as errors by uri",
      "| sort errors desc",
      "| limit 20",
    ].join("\n"),
  },
  {
    id: "slowest-requests",
    containers: ["web"],
    query: [
      "fields @timestamp, request_id, uri, status, request_time, upstream_time",
      "| filter ispresent(request_time)",
      "| sort request_time desc",
      "| limit 50",
    ].join("\n"),
  },
  {
    id: "one-request",
    containers: ["web", "app"],
    query: [
      "fields @timestamp, @log, status, uri, request_time, duration_ms",
      '| filter request_id = "REPLACE-WITH-REQUEST-ID"',
      "| sort @timestamp asc",
    ].join("\n"),
  },
];

/** The dashboard's Logs Insights widget: top 5XX paths and the slowest upstream times. */
export const DASHBOARD_LOG_QUERY = [
  "fields uri, status, upstream_time",
  "| filter status >= 500 or upstream_time > 1",
  "| stats count(*) as requests, max(upstream_time) as slowest by uri, status",
  "| sort requests desc",
  "| limit 20",
].join("\n");
