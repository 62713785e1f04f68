// parse-prometheus-text-format ships no types: one default export, the text of a metrics page → its metric
// families (src/monitor/node-exporter.ts reads only name and metrics[].value/labels).
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
