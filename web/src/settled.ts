/**
 * Whether the page has settled: no request of the console's (API calls, a lazily loaded page's code, an
 * admin POST waiting to ask again) is in flight, and the route has rendered what the last one answered.
 * Shown as `data-settled` on <html>, holding the hash it settled on, for the browser tests: they wait for it
 * instead of sleeping a fixed time and hoping the page got there (tests/e2e/server-harness.ts, waitSettled).
 *
 * Truthful by construction: every request goes through `track` (api.ts request and downloadExport, the
 * admin area's post, retryableLazy), the attribute goes the moment one starts or the hash changes, and it
 * comes back only once none is in flight and two frames have passed since the last one ended, with nothing
 * started meanwhile: time for React to render the answer, run the effects that start the next request (a
 * page that asks for more once the first answer is in), and for ResizeObserver and the charts to draw.
 */
let inFlight = 0;
let generation = 0;

function unsettle(): void {
  generation++;
  if (typeof document !== 'undefined') delete document.documentElement.dataset.settled;
}

function settleSoon(): void {
  if (typeof window === 'undefined') return;
  const g = generation;
  const settleIfQuiet = () => {
    if (g === generation && inFlight === 0) document.documentElement.dataset.settled = location.hash;
  };
  setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(settleIfQuiet, 0))), 0);
}

/** Counts the promise as a request in flight until it settles; returns it. */
export function track<T>(work: Promise<T>): Promise<T> {
  inFlight++;
  unsettle();
  const done = () => {
    inFlight--;
    // a later request's end, or the hash, may have unsettled the page again meanwhile: start from now
    generation++;
    if (inFlight === 0) settleSoon();
  };
  work.then(done, done);
  return work;
}

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    unsettle();
    if (inFlight === 0) settleSoon();
  });
  settleSoon();
}
