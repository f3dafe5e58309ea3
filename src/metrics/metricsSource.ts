/** What GET /api/metrics serves: a Prometheus text exposition of this process's figures. */
export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}
