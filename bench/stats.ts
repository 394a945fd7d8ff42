/** Percentiles of sorted samples and medians across rounds. */

/** The value below which `p`% of the samples fall (nearest rank); NaN without samples. */
export function percentile (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

export function median (values: readonly number[]): number {
  return percentile([...values].sort((x, y) => x - y), 50)
}

/** exp of the mean of the logs: the central ratio of ratios, which a ratio and its inverse cancel in; NaN without values. */
export function geometricMean (values: readonly number[]): number {
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length)
}
