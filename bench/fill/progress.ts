// The fill's clock: the wall time of each phase, reported as it ends, and of the whole fill.

export interface PhaseClock {
  /** Seconds by phase name, in the order they ended. */
  readonly phases: Record<string, number>;
  /** Ends the phase `name` (begun when the previous one ended, or the clock started) and reports it. */
  phase(name: string): void;
  /** Seconds since the clock started. */
  seconds(): number;
}

export function phaseClock(onProgress?: (message: string) => void): PhaseClock {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let phaseStart = started;
  return {
    phases,
    phase(name) {
      const t = performance.now();
      phases[name] = Math.round(t - phaseStart) / 1000;
      phaseStart = t;
      onProgress?.(`${name}: ${phases[name]} s`);
    },
    seconds: () => Math.round(performance.now() - started) / 1000,
  };
}
