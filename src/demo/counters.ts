// Requests and response statuses per route template, for `GET /admin/stats`. In memory, no I/O.

export interface RequestCounts {
  requests: Record<string, number>;
  statuses: Record<string, Record<string, number>>;
}

export interface RequestCounters {
  countRequest(key: string): void;
  countStatus(key: string, status: number): void;
  summarize(): RequestCounts;
}

export function createRequestCounters(): RequestCounters {
  const requests = new Map<string, number>();
  // Status codes index a small array per route: no string conversion on the hot path.
  const statuses = new Map<string, number[]>();
  return {
    countRequest(key) {
      requests.set(key, (requests.get(key) ?? 0) + 1);
    },
    countStatus(key, status) {
      let byStatus = statuses.get(key);
      if (byStatus === undefined) {
        byStatus = [];
        statuses.set(key, byStatus);
      }
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    },
    summarize() {
      return {
        requests: Object.fromEntries(requests),
        statuses: Object.fromEntries(
          Array.from(statuses, ([key, byStatus]) => [key, summarizeStatuses(byStatus)] as const),
        ),
      };
    },
  };
}

function summarizeStatuses(byStatus: readonly (number | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  byStatus.forEach((count, status) => {
    if (count !== undefined) counts[String(status)] = count;
  });
  return counts;
}
