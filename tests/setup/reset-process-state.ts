import { shareNativeGuard } from '../../src/nlp/model/native-guard.js';
import { setTimeZone } from '../../src/time-zone.js';

// The in-process tests share one module registry per fork (vitest.config.ts), so process-wide module state
// one file set must not reach the next: the service's time zone (set by every createServices from its config)
// and the native-call guard an analyzer thread installs (a test that sets its STOP would leave every later
// in-process model call waiting forever).
setTimeZone('UTC');
shareNativeGuard(null);
