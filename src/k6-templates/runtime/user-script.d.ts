// The user's own k6 script, as the wrapper (user-entry.ts) sees it; esbuild resolves the name to its file.
declare module 'loadctl:user-script' {
  export const options: unknown;
  const run: ((data: unknown) => unknown) | undefined;
  export default run;
  export const handleSummary: ((data: Record<string, unknown>) => unknown) | undefined;
}
