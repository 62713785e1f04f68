// The look of every table loadctl prints in a terminal (run summary, compare, breakpoint, doctor, runs).
// Pure: it builds a cli-table3 table; the caller fills and prints it.
import Table from 'cli-table3';

/** A borderless table with a rule under the header. */
export function plainTable(head: string[], aligns: Array<'left' | 'right'>): Table.Table {
  return new Table({
    head,
    colAligns: aligns,
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '─',
      'mid-mid': '─',
      right: '',
      'right-mid': '',
      middle: ' ',
    },
  });
}
