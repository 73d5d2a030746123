import client from 'prom-client';

/** Distinct channels (a document's `source`) that get series of their own in one process; the rest share OTHER_CHANNEL. */
export const MAX_CHANNEL_SERIES = 200;
export const OTHER_CHANNEL = '(other)';

/**
 * A channel is whatever an ingest key sends as `source`: a set the caller, not the service, bounds. Every
 * new one was a series kept for the life of the process, so any tenant's ingest key could grow the shared
 * process's memory and the scrape without limit (500 sources, 500 series). The first MAX_CHANNEL_SERIES
 * channels seen keep their own series; later ones are counted under OTHER_CHANNEL.
 */
function capChannels(counter: client.Counter<'kind' | 'source'>): client.Counter<'kind' | 'source'> {
  const seen = new Set<string>();
  const inc = counter.inc.bind(counter) as (labels: Partial<Record<'kind' | 'source', string>>, value?: number) => void;
  counter.inc = ((labels: Partial<Record<'kind' | 'source', string>>, value?: number) => {
    const source = labels.source;
    if (source !== undefined && !seen.has(source)) {
      if (seen.size < MAX_CHANNEL_SERIES) seen.add(source);
      else labels = { ...labels, source: OTHER_CHANNEL };
    }
    inc(labels, value);
  }) as typeof counter.inc;
  return counter;
}

// One registry per process. Label values are bounded sets (route templates, kinds, categories, at most
// MAX_CHANNEL_SERIES channels), never ids or text, so series counts stay small.
export class Metrics {
  readonly registry = new client.Registry();

  readonly httpRequests = new client.Counter({
    name: 'guandian_http_requests_total',
    help: 'HTTP requests by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new client.Histogram({
    name: 'guandian_http_request_duration_seconds',
    help: 'HTTP request latency by route template',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly documentsIngested = capChannels(
    new client.Counter({
      name: 'guandian_documents_ingested_total',
      help: `Documents accepted at ingest, by kind and channel (the first ${MAX_CHANNEL_SERIES} channels; later ones as ${OTHER_CHANNEL})`,
      labelNames: ['kind', 'source'] as const,
      registers: [this.registry],
    }),
  );

  readonly jobDuration = new client.Histogram({
    name: 'guandian_job_duration_seconds',
    help: 'Document job duration by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  readonly analyzerLatency = new client.Histogram({
    name: 'guandian_analyzer_latency_seconds',
    help: 'Time for one document in the analyzer threads (segmentation, extraction, model inference)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly analyzerBatch = new client.Histogram({
    name: 'guandian_analyzer_batch_size',
    help: 'Documents in flight in the analyzer pool when one is dispatched (how much work queues at the threads)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });

  readonly tagsWritten = new client.Counter({
    name: 'guandian_tags_written_total',
    help: 'Machine tags written, by polarity and category',
    labelNames: ['polarity', 'category'] as const,
    registers: [this.registry],
  });

  readonly queueJobs = new client.Gauge({
    name: 'guandian_queue_jobs',
    help: 'Jobs in the document queue by state (sampled at scrape)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly queueUp = new client.Gauge({
    name: 'guandian_queue_up',
    help: 'Whether the document queue answered the last scrape (1) or not (0); guandian_queue_jobs is absent while it does not',
    registers: [this.registry],
  });

  readonly modelTrainings = new client.Histogram({
    name: 'guandian_model_training_seconds',
    help: 'Training jobs (retraining from corrections) by outcome: done, failed',
    labelNames: ['outcome'] as const,
    buckets: [1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });

  readonly modelSwitches = new client.Counter({
    name: 'guandian_model_switches_total',
    help: 'Promotions and rollbacks of model versions, promotions the gate refused, and active versions withdrawn after an erasure',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'guandian_' });
  }
}
