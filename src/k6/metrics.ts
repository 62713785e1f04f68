// The one list of built-in metrics: k6's own and the ones loadctl's runtime template emits. The plan
// validator (which metrics a threshold can name) and every report (what is not custom) read it from here.

export type MetricType = 'counter' | 'rate' | 'trend' | 'gauge';

/** k6's built-in metrics of every test, and the ones loadctl's runtime template emits, with their types. */
export const BUILTIN_METRICS: Readonly<Record<string, MetricType>> = {
  http_reqs: 'counter',
  http_req_failed: 'rate',
  http_req_duration: 'trend',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_waiting: 'trend',
  http_req_receiving: 'trend',
  iteration_duration: 'trend',
  group_duration: 'trend',
  iterations: 'counter',
  dropped_iterations: 'counter',
  data_sent: 'counter',
  data_received: 'counter',
  checks: 'rate',
  vus: 'gauge',
  vus_max: 'gauge',
  // src/k6-templates/runtime/interpreter.ts: a flow stopped by a missing variable.
  loadctl_flow_aborted: 'counter',
};
