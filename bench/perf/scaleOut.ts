export interface ScaleOutOptions {
  connectionString: string;
  container: string;
  output: string;
  endpoint: string;
  log: (line: string) => void;
}

export interface ScaleOutFigure {
  measured: boolean;
  row: {
    figure: string;
    measured: string;
    floor: string;
    ratio: string;
    target: string;
    met: boolean | undefined;
  };
}

/** Figure 6: batch items per second with one and with two worker processes on one Azurite queue. */
export function scaleOut(options: ScaleOutOptions): Promise<ScaleOutFigure> {
  options.log('scale-out: the batch worker is not available yet; not measured');
  return Promise.resolve({
    measured: false,
    row: {
      figure: '6. scale-out, batch workers 1 → 2',
      measured: 'not measured',
      floor: '2× ideal',
      ratio: 'n/a',
      target: '≥ 1.8×',
      met: undefined,
    },
  });
}
