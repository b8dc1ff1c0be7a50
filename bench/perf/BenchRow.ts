/** One line of the benchmark table: a figure next to its floor or ideal. */
export interface BenchRow {
  figure: string;
  measured: string;
  floor: string;
  ratio: string;
  target: string;
  /** Undefined where the figure has no target. */
  met: boolean | undefined;
}
